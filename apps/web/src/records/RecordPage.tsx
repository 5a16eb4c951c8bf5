import type { DnsRecordWithSteps } from '@starchart/api-client';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiFailure, call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { StepList } from '../components/StepList';
import { FailurePage } from '../pages/ErrorPages';
import { ExpiryDate } from './ExpiryDate';
import { displayValue, formatDate, formatDateTime } from './format';
import { RenewButton, renewRecord } from './RenewButton';
import { RECORD_STEPS } from './record-steps';
import { useLiveRecord } from './use-live-record';

type OneClickRenewal =
  | { state: 'none' }
  | { state: 'renewing' }
  | { state: 'renewed'; expiresAt: string }
  | { state: 'failed'; message: string };

/**
 * One record: its details and, while a flow runs, its four steps advancing live. Opened with
 * `?renew=1` (the link in an expiry mail), it renews the record at once, one click in all.
 */
export function RecordPage() {
  const { id = '' } = useParams();
  const { client } = useServices();
  const [params, setParams] = useSearchParams();
  const oneClick = params.get('renew') === '1';
  const [renewal, setRenewal] = useState<OneClickRenewal>({ state: 'none' });
  const started = useRef(false);
  const { resource, reload, replace } = useResource<DnsRecordWithSteps>(
    (signal) => call(client.GET('/api/v1/records/{id}', { params: { path: { id } }, signal })),
    [client, id],
  );

  useEffect(() => {
    if (!oneClick || started.current) return;
    started.current = true;
    // Taken from the address at once: a reload of the page does not renew again.
    setParams({}, { replace: true });
    setRenewal({ state: 'renewing' });
    renewRecord(client, id).then(
      (renewed) => {
        setRenewal({ state: 'renewed', expiresAt: renewed.expiresAt });
        reload();
      },
      (error: unknown) =>
        setRenewal({
          state: 'failed',
          message: error instanceof ApiFailure ? error.message : String(error),
        }),
    );
  }, [oneClick, client, id, setParams, reload]);

  const banner =
    renewal.state === 'renewing' ? (
      <p className="callout callout--info" role="status">
        Renewing the record…
      </p>
    ) : renewal.state === 'renewed' ? (
      <p className="callout callout--info" role="status">
        Renewed: the record now expires on {formatDate(renewal.expiresAt)}.
      </p>
    ) : renewal.state === 'failed' ? (
      <p className="callout callout--bad" role="alert">
        The record could not be renewed. {renewal.message}
      </p>
    ) : null;

  if (resource.state === 'loading')
    return (
      <>
        {banner}
        <Loading label="Loading the record…" />
      </>
    );
  if (resource.state === 'failed')
    return <FailurePage error={resource.error} what="record" onRetry={reload} />;
  return (
    <>
      {banner}
      <RecordDetail
        key={`${resource.data.id}:${resource.data.updatedAt}`}
        loaded={resource.data}
        onChanged={replace}
      />
    </>
  );
}

function RecordDetail({
  loaded,
  onChanged,
}: {
  loaded: DnsRecordWithSteps;
  onChanged: (record: DnsRecordWithSteps) => void;
}) {
  const { client } = useServices();
  const navigate = useNavigate();
  const live = useLiveRecord(loaded, loaded.steps ?? []);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const record = live.record;
  useDocumentTitle(record ? record.fqdn : 'Record deleted');

  if (!record) {
    return (
      <section className="notice" aria-labelledby="record-title">
        <h1 id="record-title">Record deleted</h1>
        <p role="status">{loaded.fqdn} is gone from DNS and from your records.</p>
        <Link to="/records">Back to your records</Link>
      </section>
    );
  }

  const act = async (work: () => Promise<DnsRecordWithSteps>) => {
    setBusy(true);
    setActionError(null);
    try {
      onChanged(await work());
    } catch (error) {
      setActionError(error instanceof ApiFailure ? error.message : String(error));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const remove = () =>
    act(async () => ({
      ...(await call(
        client.DELETE('/api/v1/records/{id}', { params: { path: { id: record.id } } }),
      )),
      steps: [],
    }));
  // Runs the update flow again with the same value: the way out of an error.
  const retry = () =>
    act(async () => ({
      ...(await call(
        client.PATCH('/api/v1/records/{id}', {
          params: { path: { id: record.id } },
          body: { value: record.value },
        }),
      )),
      steps: [],
    }));

  const settled = record.status === 'active' || record.status === 'error';
  const flowLabel = record.status === 'deleting' ? 'Deleting' : 'Progress';

  return (
    <section aria-labelledby="record-title">
      <p className="breadcrumb">
        <Link to="/records">Records</Link> <span aria-hidden="true">›</span> {record.name}
      </p>
      <div className="page-head">
        <h1 id="record-title" className="page-head__title-wrap">
          {record.fqdn}
        </h1>
        <CopyButton text={record.fqdn} label={`Copy ${record.fqdn}`} />
      </div>

      <div aria-live="polite" className="record-status">
        <StatusBadge status={record.status} reason={record.statusReason} />
      </div>

      {record.status === 'error' ? (
        <div className="callout callout--bad">
          <p>
            <strong>This record could not be written to DNS.</strong> {record.statusReason ?? ''}
          </p>
          <button type="button" className="button" onClick={retry} disabled={busy}>
            Retry
          </button>
        </div>
      ) : null}
      {actionError ? (
        <p className="callout callout--bad" role="alert">
          {actionError}
        </p>
      ) : null}

      <dl className="details">
        <dt>Type</dt>
        <dd>{record.type}</dd>
        <dt>Value</dt>
        <dd className="details__value">{displayValue(record)}</dd>
        {/* The numbers of the value above, by name: "10 5 5060" alone does not say which is the port. */}
        {(record.type === 'MX' || record.type === 'SRV') && record.priority !== null ? (
          <>
            <dt>Priority</dt>
            <dd>{record.priority}</dd>
          </>
        ) : null}
        {record.type === 'SRV' ? (
          <>
            <dt>Weight</dt>
            <dd>{record.weight ?? 0}</dd>
            <dt>Port</dt>
            <dd>{record.port ?? 0}</dd>
          </>
        ) : null}
        <dt>TTL</dt>
        <dd>{record.ttl} seconds</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(record.createdAt)}</dd>
        <dt>Last change</dt>
        <dd>{formatDateTime(record.updatedAt)}</dd>
        <dt>Expires</dt>
        <dd>
          <ExpiryDate expiresAt={record.expiresAt} />
        </dd>
      </dl>

      {live.steps.length > 0 || !settled ? (
        <div className="panel">
          <h2>{flowLabel}</h2>
          <StepList
            order={RECORD_STEPS}
            steps={live.steps}
            label={`${flowLabel} of ${record.fqdn}`}
          />
          {live.streamError ? (
            <p className="callout callout--info">
              Live progress stopped.{' '}
              <button type="button" className="link-button" onClick={() => navigate(0)}>
                Reload the page
              </button>{' '}
              to see where it is.
            </p>
          ) : null}
        </div>
      ) : null}

      <div className="actions">
        <Link
          className={`button${settled ? '' : ' button--disabled'}`}
          to={`/records/${record.id}/edit`}
          aria-disabled={!settled}
          onClick={(event) => {
            if (!settled) event.preventDefault();
          }}
        >
          Edit
        </Link>
        <RenewButton
          record={record}
          className="button"
          onRenewed={(renewed) => onChanged({ ...renewed, steps: live.steps })}
        />
        <button
          type="button"
          className="button button--danger-outline"
          disabled={!settled || busy}
          onClick={() => setConfirming(true)}
        >
          Delete
        </button>
      </div>
      <p className="hint">
        A record is removed when it expires: renewing gives it a full lifetime from now. You get
        mails before that (see <Link to="/settings/notifications">mail settings</Link>).
      </p>
      {!settled ? (
        <p className="hint">Edit and delete are possible once the record is active or in error.</p>
      ) : null}

      <ConfirmDialog
        open={confirming}
        title={`Delete ${record.fqdn}?`}
        confirmLabel="Delete record"
        busy={busy}
        onConfirm={remove}
        onCancel={() => setConfirming(false)}
      >
        <p>
          The name stops answering in DNS within a minute or two. This cannot be undone, but you can
          create the record again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
