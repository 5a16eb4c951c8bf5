import type { AdminUser, AdminUserDeletion } from '@starchart/api-client';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { call } from '../api/api-failure';
import { useServices } from '../app/services';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Field } from '../components/Field';
import { ErrorSummary } from './ErrorSummary';
import { useAdminAction } from './use-admin-action';

/**
 * Deletes a person once their name is typed: their records first, then their certificate, then
 * them; "Continue" asks again until everything is gone.
 */
export function DeleteUserPanel({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const { client } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [deletion, setDeletion] = useState<AdminUserDeletion | null>(null);
  const { busy, errors, run } = useAdminAction(['confirm']);
  const id = useId();

  async function remove() {
    await run(async () => {
      const answer = await call(
        client.POST('/api/v1/admin/users/{username}/deletion', {
          params: { path: { username: user.username } },
          body: { confirm: typed },
        }),
      );
      setDeletion(answer);
      setConfirming(false);
    });
  }

  if (deletion?.state === 'deleted') {
    return (
      <div className="action" role="status">
        <h3>Deleted</h3>
        <p>
          {user.username}, their records and their certificate are gone.{' '}
          <Link to="/admin/users">Back to people</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="action">
      <h3>Delete</h3>
      <div aria-live="polite">
        {deletion ? (
          <p>
            Deleting: {deletion.deleteFlowsStarted} delete flows started, {deletion.recordsLeft}{' '}
            records left
            {deletion.certificate === 'deleting'
              ? ', their certificate is being revoked and removed'
              : ''}
            . Continue once they are gone to delete the certificate and the person.
          </p>
        ) : (
          <p>Removes every record from DNS, then the certificate, then the person.</p>
        )}
      </div>
      <div className="actions">
        {deletion ? (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void remove()}
          >
            Continue deleting {user.username}
          </button>
        ) : (
          <button
            type="button"
            className="button button--danger-outline"
            onClick={() => setConfirming(true)}
          >
            Delete {user.username}…
          </button>
        )}
        {deletion ? (
          <button type="button" className="button button--quiet" onClick={onChanged}>
            Refresh
          </button>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${user.username}?`}
        confirmLabel="Delete for good"
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
        busy={busy || typed !== user.username}
      >
        <p>
          Every record of theirs is removed from DNS, then their certificate, then the person. This
          cannot be undone.
        </p>
        <ErrorSummary errors={errors} />
        <Field
          id={`${id}-confirm`}
          label={`Type ${user.username} to confirm`}
          error={errors.fields['confirm']}
        >
          {(control) => (
            <input
              {...control}
              value={typed}
              autoComplete="off"
              onChange={(event) => setTyped(event.target.value)}
            />
          )}
        </Field>
      </ConfirmDialog>
    </div>
  );
}
