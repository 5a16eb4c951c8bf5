import type { AdminUser, AdminUserDeletion, AdminUserDetail } from '@starchart/api-client';
import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { CERTIFICATE_STEPS } from '../certificate/certificate-steps';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Field } from '../components/Field';
import { Empty, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { StepList } from '../components/StepList';
import { FailurePage } from '../pages/ErrorPages';
import { displayValue, formatDateTime, timeAgo } from '../records/format';
import { RECORD_STEPS } from '../records/record-steps';
import { formErrorsOf, type FormErrors } from '../records/form-errors';
import { AuditTable } from './AuditPage';
import { RetryButton } from './RetryButton';

/** One person: what they have, what failed, and the actions an admin can take on them. */
export function UserPage() {
  const { username = '' } = useParams();
  useDocumentTitle(username);
  const { client } = useServices();
  const { resource, reload } = useResource<AdminUserDetail>(
    (signal) =>
      call(
        client.GET('/api/v1/admin/users/{username}', {
          params: { path: { username } },
          signal,
        }),
      ),
    [client, username],
  );

  if (resource.state === 'loading') return <Loading label={`Loading ${username}…`} />;
  if (resource.state === 'failed') {
    return <FailurePage error={resource.error} what="person" onRetry={reload} />;
  }
  const { user, records, certificate, recentFlows, audit } = resource.data;
  return (
    <section aria-labelledby="user-title">
      <p className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">›</span>{' '}
        <Link to="/admin/users">People</Link> <span aria-hidden="true">›</span> {user.username}
      </p>
      <h1 id="user-title">{user.username}</h1>
      <UserFacts user={user} />

      <section className="panel" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <LockPanel user={user} onChanged={reload} />
        <QuotaPanel user={user} onChanged={reload} />
        <DeletePanel user={user} onChanged={reload} />
      </section>

      <section className="panel" aria-labelledby="flows-title">
        <h2 id="flows-title">Latest flows</h2>
        {recentFlows.length === 0 ? <p>No records, so no flows.</p> : null}
        {recentFlows.map((flow) => (
          <article key={flow.id} className="flow" aria-label={`${flow.fqdn} ${flow.type}`}>
            <h3>
              <Link to={`/records/${flow.id}`}>{flow.fqdn}</Link> {flow.type}{' '}
              <StatusBadge status={flow.status} reason={flow.statusReason} />
            </h3>
            {flow.steps ? (
              <StepList order={RECORD_STEPS} steps={flow.steps} label={`Steps of ${flow.fqdn}`} />
            ) : (
              <p className="muted">The job queue cannot be reached right now.</p>
            )}
            {flow.status === 'error' ? <RetryButton record={flow} onRetried={reload} /> : null}
          </article>
        ))}
      </section>

      <section className="panel" aria-labelledby="records-title">
        <h2 id="records-title">Records</h2>
        {records.items.length === 0 ? (
          <p>{user.username} has no records.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Records of {user.username}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {records.items.map((record) => (
                  <tr key={record.id}>
                    <th scope="row" className="table__name">
                      <Link to={`/records/${record.id}`}>{record.fqdn}</Link>
                    </th>
                    <td>{record.type}</td>
                    <td className="table__value">{displayValue(record)}</td>
                    <td>
                      <StatusBadge status={record.status} reason={record.statusReason} />
                    </td>
                    <td>
                      <time dateTime={record.updatedAt} title={formatDateTime(record.updatedAt)}>
                        {timeAgo(record.updatedAt)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {records.nextCursor ? (
          <p>
            <Link to={`/admin/records?username=${user.username}`}>
              All records of {user.username}
            </Link>
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="certificate-title">
        <h2 id="certificate-title">Certificate</h2>
        {certificate ? (
          <>
            <p>
              <StatusBadge status={certificate.status} reason={certificate.statusReason} />{' '}
              {certificate.validTo ? `valid until ${formatDateTime(certificate.validTo)}` : null}
              {certificate.queue
                ? `place ${certificate.queue.place} in the queue, estimated start ${formatDateTime(certificate.queue.estimatedStartAt)}`
                : null}
            </p>
            {certificate.steps ? (
              <StepList
                order={CERTIFICATE_STEPS}
                steps={certificate.steps}
                label="Steps of the latest order"
              />
            ) : null}
          </>
        ) : (
          <p>No certificate ordered.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">What admins did</h2>
        {audit.length === 0 ? (
          <Empty title="No admin has acted on this person." />
        ) : (
          <AuditTable entries={audit} caption={`Admin actions on ${user.username}`} />
        )}
        <p>
          <Link to={`/admin/audit?username=${user.username}`}>The whole audit log for them</Link>
        </p>
      </section>
    </section>
  );
}

function UserFacts({ user }: { user: AdminUser }) {
  return (
    <dl className="details">
      <dt>E-mail</dt>
      <dd>{user.email ?? 'none given'}</dd>
      <dt>Last seen</dt>
      <dd>{user.lastSeenAt ? formatDateTime(user.lastSeenAt) : 'never'}</dd>
      <dt>First seen</dt>
      <dd>{formatDateTime(user.createdAt)}</dd>
      <dt>Records</dt>
      <dd>
        {user.recordCount} of {user.quota.effective}
        {user.quota.override === null ? ' (the default quota)' : ' (a quota of their own)'}
      </dd>
      <dt>Account</dt>
      <dd>
        {user.lock
          ? `Locked since ${formatDateTime(user.lock.lockedAt)}: ${user.lock.reason}`
          : 'Open'}
      </dd>
    </dl>
  );
}

/** Runs a change, mapping a refusal to the form's fields and summary. */
function useAction(fields: readonly string[]) {
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

function Summary({ errors }: { errors: FormErrors }) {
  return errors.summary ? (
    <div className="callout callout--bad" role="alert">
      <p>
        <strong>{errors.summary.title}</strong>
      </p>
      <p>{errors.summary.detail}</p>
    </div>
  ) : null;
}

function LockPanel({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const { client } = useServices();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const { busy, errors, run } = useAction(['reason']);
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
        <Summary errors={errors} />
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
      <Summary errors={errors} />
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

function QuotaPanel({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const { client } = useServices();
  const [quota, setQuota] = useState(user.quota.override?.toString() ?? '');
  const { busy, errors, run } = useAction(['quota']);
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
      <Summary errors={errors} />
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

function DeletePanel({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const { client } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [deletion, setDeletion] = useState<AdminUserDeletion | null>(null);
  const { busy, errors, run } = useAction(['confirm']);
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
        <Summary errors={errors} />
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
