import type { ReconcileRun } from '@starchart/api-client';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiFailure, call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Loading } from '../components/States';
import { formatDateTime } from '../records/format';

/** Where an operator starts: people, failing records, the audit log, the reconciler, the board. */
export function AdminHomePage() {
  useDocumentTitle('Admin');
  const { config } = useServices();
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <div className="cards">
        <div className="card">
          <h2>People</h2>
          <p>Find a person by name or e-mail, see their records and act on their account.</p>
          <Link to="/admin/users">Find a person</Link>
        </div>
        <div className="card">
          <h2>Records</h2>
          <p>Every user’s records: those in error, those stuck pending, by name, type or owner.</p>
          <Link to="/admin/records?status=error">Records in error</Link>
        </div>
        <div className="card">
          <h2>Audit log</h2>
          <p>Every admin action: who did what to whom, when, and how it ended.</p>
          <Link to="/admin/audit">Read the audit log</Link>
        </div>
        {config.boardUrl ? (
          <div className="card">
            <h2>Job board</h2>
            <p>Queues and flow trees of every job, as the workers see them.</p>
            <a href={config.boardUrl}>Open the job board</a>
          </div>
        ) : null}
      </div>
      <ReconcilePanel />
    </section>
  );
}

/** The last reconcile run's report, and a button to start one now. */
function ReconcilePanel() {
  const { client } = useServices();
  const [queued, setQueued] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { resource, reload } = useResource<ReconcileRun | null>(
    (signal) =>
      call(client.GET('/api/v1/admin/reconcile/latest', { signal })).catch((error: unknown) => {
        if (error instanceof ApiFailure && error.kind === 'not-found') return null;
        throw error;
      }),
    [client],
  );

  async function start() {
    setBusy(true);
    setFailure(null);
    try {
      const { jobId } = await call(client.POST('/api/v1/admin/reconcile', { body: {} }));
      setQueued(jobId);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="reconcile-title">
      <h2 id="reconcile-title">Reconciler</h2>
      <p className="hint">
        Compares the hosted zone with the database and repairs the difference; it also runs on its
        own schedule.
      </p>
      {resource.state === 'loading' ? <Loading label="Loading the last run…" /> : null}
      {resource.state === 'failed' ? (
        <p className="callout callout--bad" role="alert">
          The last run could not be read.{' '}
          <button type="button" className="link-button" onClick={reload}>
            Try again
          </button>
        </p>
      ) : null}
      {resource.state === 'ready' && resource.data === null ? (
        <p>No run has finished yet.</p>
      ) : null}
      {resource.state === 'ready' && resource.data ? <RunReport run={resource.data} /> : null}
      <div className="actions">
        <button type="button" className="button" onClick={() => void start()} disabled={busy}>
          Reconcile now
        </button>
        <button type="button" className="button button--quiet" onClick={reload}>
          Refresh
        </button>
      </div>
      <div aria-live="polite">
        {queued ? <p>Run {queued} queued; refresh to see its report once it finished.</p> : null}
      </div>
      {failure ? (
        <p className="callout callout--bad" role="alert">
          {failure}
        </p>
      ) : null}
    </section>
  );
}

function RunReport({ run }: { run: ReconcileRun }) {
  return (
    <dl className="details">
      <dt>Last run</dt>
      <dd>
        {run.finishedAt ? formatDateTime(run.finishedAt) : 'not finished'} ({run.trigger},{' '}
        {run.state})
      </dd>
      {run.report ? (
        <>
          <dt>Record sets read</dt>
          <dd>{run.report.scanned}</dd>
          <dt>Written again</dt>
          <dd>{run.report.upserted}</dd>
          <dt>Removed</dt>
          <dd>{run.report.deleted}</dd>
          <dt>Flows resumed</dt>
          <dd>{run.report.requeued}</dd>
          <dt>Left alone (in a flow)</dt>
          <dd>{run.report.skippedInFlight}</dd>
          <dt>Failed</dt>
          <dd>{run.report.failed}</dd>
          <dt>Hosted zone</dt>
          <dd>
            {run.report.zone
              ? `${run.report.zone.recordSets} of ${run.report.zone.quota} record sets`
              : 'not read'}
          </dd>
        </>
      ) : null}
      {run.failedReason ? (
        <>
          <dt>Failed because</dt>
          <dd>{run.failedReason}</dd>
        </>
      ) : null}
    </dl>
  );
}
