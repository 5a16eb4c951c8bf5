import { useState } from 'react';
import { formErrorsOf, type FormErrors } from '../records/form-errors';

/** Runs a change, mapping a refusal to the form's fields and summary. */
export function useAdminAction(fields: readonly string[]) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, summary: null });
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setErrors({ fields: {}, summary: null });
    try {
      await work();
      return true;
    } catch (error) {
      setErrors(formErrorsOf(error, fields));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, errors, run };
}
