import type { AdminUser } from '@starchart/api-client';
import { useId, useState, type FormEvent } from 'react';
import { call } from '../api/api-failure';
import { useServices } from '../app/services';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Field } from '../components/Field';
import { ErrorSummary } from './ErrorSummary';
import { useAdminAction } from './use-admin-action';

/** Locks a person with a reason after confirming, or unlocks a locked one. */
export function LockPanel({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const { client } = useServices();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const { busy, errors, run } = useAdminAction(['reason']);
  const id = useId();
  const path = { params: { path: { username: user.username } } };

  async function lock() {
    setConfirming(false);
    const done = await run(() =>
      call(client.PUT('/api/v1/admin/users/{username}/lock', { ...path, body: { reason } })),
    );
    if (done) onChanged();
  }

  if (user.lock) {
    return (
      <div className="action">
        <h3>Unlock</h3>
        <p>Their writes are refused with: “{user.lock.reason}”.</p>
        <ErrorSummary errors={errors} />
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void run(() => call(client.DELETE('/api/v1/admin/users/{username}/lock', path))).then(
              (done) => done && onChanged(),
            )
          }
        >
          Unlock {user.username}
        </button>
      </div>
    );
  }
  return (
    <form
      className="action"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        setConfirming(true);
      }}
    >
      <h3>Lock</h3>
      <ErrorSummary errors={errors} />
      <Field
        id={`${id}-reason`}
        label="Reason, shown to them with every refused change"
        error={errors.fields['reason']}
      >
        {(control) => (
          <input
            {...control}
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button--danger-outline" disabled={busy}>
        Lock {user.username}…
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Lock ${user.username}?`}
        confirmLabel={`Lock ${user.username}`}
        onConfirm={() => void lock()}
        onCancel={() => setConfirming(false)}
        busy={busy}
      >
        <p>
          They can still read their records, but every change they try is refused with your reason
          until an admin unlocks them.
        </p>
      </ConfirmDialog>
    </form>
  );
}
