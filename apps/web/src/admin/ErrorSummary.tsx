import type { FormErrors } from '../records/form-errors';

/** What a refused action says that belongs to none of its fields. */
export function ErrorSummary({ errors }: { errors: FormErrors }) {
  return errors.summary ? (
    <div className="callout callout--bad" role="alert">
      <p>
        <strong>{errors.summary.title}</strong>
      </p>
      <p>{errors.summary.detail}</p>
    </div>
  ) : null;
}
