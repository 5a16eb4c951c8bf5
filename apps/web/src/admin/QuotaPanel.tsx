import type { AdminUser } from '@starchart/api-client';
import { useId, useState, type FormEvent } from 'react';
import { call } from '../api/api-failure';
import { useServices } from '../app/services';
import { Field } from '../components/Field';
import { ErrorSummary } from './ErrorSummary';
import { useAdminAction } from './use-admin-action';

/** A record quota of their own, or (left empty) the default one. */
export function QuotaPanel({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const { client } = useServices();
  const [quota, setQuota] = useState(user.quota.override?.toString() ?? '');
  const { busy, errors, run } = useAdminAction(['quota']);
  const id = useId();

  async function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = quota.trim();
    const done = await run(() =>
      call(
        client.PUT('/api/v1/admin/users/{username}/quota', {
          params: { path: { username: user.username } },
          body: { quota: trimmed === '' ? null : Number(trimmed) },
        }),
      ),
    );
    if (done) onChanged();
  }

  return (
    <form className="action" onSubmit={(event) => void save(event)}>
      <h3>Record quota</h3>
      <ErrorSummary errors={errors} />
      <Field
        id={`${id}-quota`}
        label="Records they may have"
        hint="Leave empty for the default quota."
        error={errors.fields['quota']}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            inputMode="numeric"
            min={0}
            value={quota}
            onChange={(event) => setQuota(event.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={busy}>
        Save quota
      </button>
    </form>
  );
}
