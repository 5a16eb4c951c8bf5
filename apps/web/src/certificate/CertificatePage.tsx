import type { Certificate, CertificateStep, CertificateWithSteps } from '@starchart/api-client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure, call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { StepList } from '../components/StepList';
import { FailurePage } from '../pages/ErrorPages';
import { formatDateTime } from '../records/format';
import { daysLeft } from './validity';

/** The order's steps in the order they run, in words. */
export const CERTIFICATE_STEPS = [
  { step: 'create-acme-order', name: 'Order from the certificate authority' },
  { step: 'write-challenge-record', name: 'Publish the DNS challenge' },
  { step: 'check-challenge-dns', name: 'Wait until DNS answers the challenge' },
  { step: 'validate-challenges', name: 'Have the authority check it' },
  { step: 'finalize-certificate', name: 'Receive the certificate' },
  { step: 'cleanup-challenge', name: 'Remove the challenge' },
] as const;

/** The delete's steps in the order they run, in words. */
export const CERTIFICATE_DELETE_STEPS = [
  { step: 'revoke-certificate', name: 'Revoke it at the certificate authority' },
  { step: 'remove-certificate', name: 'Remove it' },
] as const;

/**
 * A delete asked for on this page: `revoke` false for "Delete without revoking" (force),
 * `withdraw` for an order taken out of the queue.
 */
interface Removal {
  revoke: boolean;
  withdraw: boolean;
}

/** How a certificate went: revoked first, removed while still valid, never issued, or withdrawn. */
type Gone =
  | { kind: 'revoked' }
  | { kind: 'not-revoked'; validTo: string }
  | { kind: 'deleted' }
  | { kind: 'withdrawn' };

function goneText(gone: Gone): string {
  switch (gone.kind) {
    case 'revoked':
      return 'Your certificate was revoked at the certificate authority and deleted.';
    case 'not-revoked':
      return (
        'Your certificate was deleted without being revoked: it stays valid until ' +
        `${formatDateTime(gone.validTo)} for whoever has its private key.`
      );
    case 'deleted':
      return 'Your certificate was deleted.';
    case 'withdrawn':
      return 'Your order was withdrawn from the queue.';
  }
}

const DOCUMENTS = [
  {
    file: 'fullchain.pem',
    label: 'Full chain',
    hint: 'certificate and intermediates: what servers want',
  },
  { file: 'certificate.pem', label: 'Certificate', hint: 'your certificate alone' },
  { file: 'chain.pem', label: 'Chain', hint: 'the intermediate certificates' },
  { file: 'privkey.pem', label: 'Private key', hint: 'keep it secret; never share it' },
] as const;

type PemFile = (typeof DOCUMENTS)[number]['file'];

export function CertificatePage() {
  useDocumentTitle('Certificate');
  const { client } = useServices();
  const { resource, reload, replace } = useResource<CertificateWithSteps | null>(
    async (signal) => {
      const { items } = await call(client.GET('/api/v1/certificates', { signal }));
      const mine = items[0];
      if (!mine) return null;
      return call(
        client.GET('/api/v1/certificates/{id}', { params: { path: { id: mine.id } }, signal }),
      );
    },
    [client],
  );

  const [ordering, setOrdering] = useState(false);
  const [orderError, setOrderError] = useState<string | null>(null);
  // A delete asked for on this page: whether it revokes (no force), and then what became of it.
  const [removal, setRemoval] = useState<Removal | null>(null);
  const [gone, setGone] = useState<Gone | null>(null);
  // An order (or its retry) sent from this page: the button that sent it is gone afterwards.
  const [ordered, setOrdered] = useState(false);
  // The Revoking… heading that had the focus is gone: the notice takes it, once shown.
  const focusGoneNotice = useCallback((notice: HTMLParagraphElement | null) => notice?.focus(), []);
  const order = async () => {
    setOrdering(true);
    setOrderError(null);
    setRemoval(null);
    setGone(null);
    try {
      const accepted = await call(client.POST('/api/v1/certificates'));
      setOrdered(true);
      replace({ ...accepted, steps: [] });
    } catch (error) {
      setOrderError(error instanceof ApiFailure ? error.message : String(error));
    } finally {
      setOrdering(false);
    }
  };

  // Stable: the detail's event stream restarts when it changes.
  const onGone = useCallback(
    (how: Gone) => {
      setGone(how);
      reload();
    },
    [reload],
  );

  return (
    <section aria-labelledby="certificate-title">
      <h1 id="certificate-title">Certificate</h1>
      {resource.state === 'loading' ? <Loading label="Loading your certificate…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {orderError ? (
        <p className="callout callout--bad" role="alert">
          {orderError}
        </p>
      ) : null}
      {resource.state === 'ready' && resource.data === null && gone ? (
        <p ref={focusGoneNotice} tabIndex={-1} className="callout callout--info" role="status">
          {goneText(gone)}
        </p>
      ) : null}
      {resource.state === 'ready' && resource.data === null ? (
        <div className="panel">
          <StatusBadge status="none" />
          <p>
            One certificate covers your own name and every name below it (a wildcard), so each of
            your records can serve HTTPS. Ordering takes a minute or two.
          </p>
          <button type="button" className="button" onClick={order} disabled={ordering}>
            {ordering ? 'Ordering…' : 'Order my certificate'}
          </button>
        </div>
      ) : null}
      {resource.state === 'ready' && resource.data ? (
        <CertificateDetail
          key={`${resource.data.id}:${resource.data.updatedAt}`}
          loaded={resource.data}
          onRetry={order}
          retrying={ordering}
          justOrdered={ordered}
          removal={removal}
          onRemoving={(asked, accepted) => {
            setOrdered(false);
            setRemoval(asked);
            replace({ ...accepted, steps: [] });
          }}
          onGone={onGone}
        />
      ) : null}
    </section>
  );
}

// A queued order is followed too: the page shows its steps once the budget lets it start.
const FOLLOWED: readonly string[] = ['pending', 'renewing', 'deleting', 'queued'];

function CertificateDetail({
  loaded,
  onRetry,
  retrying,
  justOrdered,
  removal,
  onRemoving,
  onGone,
}: {
  loaded: CertificateWithSteps;
  onRetry: () => void;
  retrying: boolean;
  /** Ordered from this page just now: the status takes the focus of the button that went. */
  justOrdered: boolean;
  removal: Removal | null;
  onRemoving: (asked: Removal, accepted: Certificate) => void;
  onGone: (how: Gone) => void;
}) {
  const { client, followCertificate } = useServices();
  const [certificate, setCertificate] = useState<Certificate>(loaded);
  const [steps, setSteps] = useState<CertificateStep[]>(loaded.steps ?? []);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const running = certificate.status === 'pending' || certificate.status === 'renewing';
  // A page opened while a delete runs cannot know whether it was forced; only a delete from
  // revocation-failed can be, so revoking is the likely answer.
  const revokes = certificate.validTo !== null && (removal?.revoke ?? true);
  const withdraws = removal?.withdraw ?? false;
  const deletingHeading = useRef<HTMLHeadingElement>(null);
  const status = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (justOrdered) status.current?.focus();
  }, [justOrdered]);
  useEffect(() => {
    // The button that asked is gone with the dialog: the person lands on what happens now.
    if (removal && loaded.status === 'deleting') deletingHeading.current?.focus();
  }, [removal, loaded.status]);

  useEffect(() => {
    if (!FOLLOWED.includes(loaded.status)) return;
    const goneAs: Gone = withdraws
      ? { kind: 'withdrawn' }
      : revokes
        ? { kind: 'revoked' }
        : loaded.validTo
          ? { kind: 'not-revoked', validTo: loaded.validTo }
          : { kind: 'deleted' };
    const abort = new AbortController();
    followCertificate(
      loaded.id,
      (event) => {
        if (event.event === 'status') setCertificate(event.data);
        if (event.event === 'step') {
          const step = event.data;
          setSteps((previous) => [...previous.filter((known) => known.step !== step.step), step]);
        }
      },
      abort.signal,
    ).then(
      (done) => {
        if (done.status === 'gone') onGone(goneAs);
      },
      () => {
        // Gone before the stream started (a 404), or the stream broke: read it again.
        if (!abort.signal.aborted && loaded.status === 'deleting') onGone(goneAs);
      },
    );
    return () => abort.abort();
  }, [loaded, followCertificate, onGone, revokes, withdraws]);

  const remove = async (force: boolean) => {
    setDeleting(true);
    setDeleteError(null);
    try {
      const accepted = await call(
        client.DELETE('/api/v1/certificates/{id}', {
          params: { path: { id: certificate.id }, query: { force: force ? 'true' : 'false' } },
        }),
      );
      setConfirming(false);
      onRemoving({ revoke: !force, withdraw: certificate.status === 'queued' }, accepted);
    } catch (error) {
      setDeleteError(error instanceof ApiFailure ? error.message : String(error));
    } finally {
      setDeleting(false);
    }
  };

  const downloadable =
    certificate.status === 'issued' ||
    certificate.status === 'renewing' ||
    certificate.status === 'revocation-failed';
  const deletable =
    certificate.status === 'issued' ||
    certificate.status === 'failed' ||
    certificate.status === 'revocation-failed' ||
    certificate.status === 'queued';
  const queued = certificate.status === 'queued';
  return (
    <>
      <div ref={status} tabIndex={-1} className="page-sub" aria-live="polite">
        <StatusBadge status={certificate.status} reason={certificate.statusReason} />
      </div>
      <p>
        For <strong>{certificate.domains.join(' and ')}</strong>
      </p>

      {certificate.status === 'failed' ? (
        <div className="callout callout--bad">
          <p>
            <strong>The certificate could not be issued.</strong> {certificate.statusReason ?? ''}
          </p>
          <button type="button" className="button" onClick={onRetry} disabled={retrying}>
            {retrying ? 'Ordering…' : 'Retry the order'}
          </button>
        </div>
      ) : null}
      {certificate.status === 'queued' ? <QueuedNotice certificate={certificate} /> : null}
      {certificate.status === 'renewing' ? (
        <p className="callout callout--info">
          A new certificate is being ordered. The current one stays valid and downloadable
          meanwhile.
        </p>
      ) : null}
      {certificate.status === 'deleting' ? (
        <div className="panel">
          <h2 ref={deletingHeading} tabIndex={-1}>
            {withdraws ? 'Withdrawing…' : revokes ? 'Revoking…' : 'Deleting…'}
          </h2>
          <p className="callout callout--info" role="status">
            {withdraws
              ? 'Your order is leaving the queue.'
              : revokes
                ? 'Your certificate is being revoked at the certificate authority, then deleted.'
                : certificate.validTo
                  ? 'Your certificate is being deleted without being revoked.'
                  : 'Your certificate is being deleted.'}
          </p>
          <StepList
            order={CERTIFICATE_DELETE_STEPS}
            steps={steps}
            label="Steps of the certificate delete"
          />
        </div>
      ) : null}
      {certificate.status === 'revocation-failed' ? (
        <div className="callout callout--bad">
          <p>
            <strong>The certificate was not deleted:</strong> the certificate authority did not
            revoke it. It stays valid and downloadable.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button"
              onClick={() => remove(false)}
              disabled={deleting}
            >
              {deleting ? 'Deleting…' : 'Try to revoke and delete again'}
            </button>
            <button
              type="button"
              className="button button--danger-outline"
              onClick={() => remove(true)}
              disabled={deleting}
            >
              Delete without revoking
            </button>
          </div>
        </div>
      ) : null}
      {deleteError ? (
        <p className="callout callout--bad" role="alert">
          {deleteError}
        </p>
      ) : null}

      {running || certificate.status === 'failed' ? (
        <div className="panel">
          <h2>{running ? 'Progress' : 'Last order'}</h2>
          <StepList
            order={CERTIFICATE_STEPS}
            steps={steps}
            label="Steps of the certificate order"
          />
        </div>
      ) : null}

      {downloadable && certificate.validFrom && certificate.validTo ? (
        <Validity validFrom={certificate.validFrom} validTo={certificate.validTo} />
      ) : null}
      {downloadable ? <Downloads certificate={certificate} /> : null}
      {downloadable ? <Snippets domains={certificate.domains} /> : null}

      {deletable && certificate.status !== 'revocation-failed' ? (
        <div className="panel">
          <h2>{queued ? 'Withdraw' : 'Delete'}</h2>
          <button
            type="button"
            className="button button--danger-outline"
            onClick={() => setConfirming(true)}
            disabled={deleting}
          >
            {queued ? 'Withdraw my order' : 'Delete my certificate'}
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={queued ? 'Withdraw your order?' : 'Delete your certificate?'}
        confirmLabel={
          queued ? 'Withdraw the order' : certificate.validTo ? 'Revoke and delete' : 'Delete'
        }
        busy={deleting}
        onConfirm={() => remove(false)}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {queued
            ? 'It leaves the queue and nothing is ordered. An order placed later waits at the end of the queue.'
            : `${
                certificate.validTo
                  ? 'It is revoked at the certificate authority first: servers that use it stop being trusted. '
                  : ''
              }This cannot be undone, but you can order a new certificate afterwards.`}
        </p>
      </ConfirmDialog>
    </>
  );
}

/** Why nothing happens yet: the issuance budget is spent, and when the order should start. */
function QueuedNotice({ certificate }: { certificate: Certificate }) {
  const { queue } = certificate;
  return (
    <div className="callout callout--info" role="status">
      <p>
        <strong>
          {queue
            ? `Queued — place ${queue.place}, estimated start ${formatDateTime(queue.estimatedStartAt)}`
            : 'Queued'}
        </strong>
      </p>
      <p>
        The certificate authority lets us issue only so many new certificates a week, so orders wait
        their turn, first come first served. Yours starts by itself; you can leave this page.
      </p>
    </div>
  );
}

function Validity({ validFrom, validTo }: { validFrom: string; validTo: string }) {
  const left = daysLeft(validTo);
  return (
    <div className="panel">
      <h2>Validity</h2>
      <dl className="details">
        <dt>Valid from</dt>
        <dd>{formatDateTime(validFrom)}</dd>
        <dt>Valid until</dt>
        <dd>
          {formatDateTime(validTo)}{' '}
          <span className="muted">({left > 0 ? `${left} days left` : 'expired'})</span>
        </dd>
      </dl>
      <p className="hint">Starchart renews it automatically before it expires.</p>
    </div>
  );
}

function Downloads({ certificate }: { certificate: Certificate }) {
  const { client } = useServices();
  const [failed, setFailed] = useState<string | null>(null);
  // Fetched with the token in a header, then saved from memory: the token never goes in a URL.
  const download = async (file: PemFile) => {
    setFailed(null);
    try {
      const pem = await call(
        client.GET(`/api/v1/certificates/{id}/${file}`, {
          params: { path: { id: certificate.id } },
          parseAs: 'text',
        }),
      );
      const url = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      link.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setFailed(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  return (
    <div className="panel">
      <h2>Downloads</h2>
      <ul className="downloads">
        {DOCUMENTS.map(({ file, label, hint }) => (
          <li key={file}>
            <button type="button" className="button button--quiet" onClick={() => download(file)}>
              <span aria-hidden="true">⤓ </span>
              {label} <span className="muted">({file})</span>
            </button>
            <span className="hint">{hint}</span>
          </li>
        ))}
      </ul>
      {failed ? (
        <p className="callout callout--bad" role="alert">
          {failed}
        </p>
      ) : null}
    </div>
  );
}

function Snippets({ domains }: { domains: string[] }) {
  const node = `import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

createServer(
  { key: readFileSync('privkey.pem'), cert: readFileSync('fullchain.pem') },
  (request, response) => response.end('Hello over HTTPS\\n'),
).listen(443);`;
  const nginx = `server {
    listen 443 ssl;
    server_name ${domains.join(' ')};
    ssl_certificate     /etc/ssl/starchart/fullchain.pem;
    ssl_certificate_key /etc/ssl/starchart/privkey.pem;
}`;
  return (
    <div className="panel">
      <h2>Use it</h2>
      <h3>Node.js</h3>
      <pre className="code" aria-label="Node.js example">
        <code>{node}</code>
      </pre>
      <h3>nginx</h3>
      <pre className="code" aria-label="nginx example">
        <code>{nginx}</code>
      </pre>
    </div>
  );
}
