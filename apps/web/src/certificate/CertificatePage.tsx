import type { Certificate, CertificateWithSteps } from '@starchart/api-client';
import { useCallback, useEffect, useRef } from 'react';
import { useDocumentTitle } from '../app/use-document-title';
import { Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { FailurePage } from '../pages/ErrorPages';
import {
  DeletePanel,
  FailedOrderNotice,
  OrderPanel,
  RevocationFailedNotice,
} from './CertificateActions';
import { OrderProgress, RemovalProgress } from './CertificateProgress';
import { IssuedCertificate } from './IssuedCertificate';
import { QueuedNotice } from './QueuedNotice';
import { goneText, type Gone, type Removal } from './removal';
import { useDeleteCertificate } from './use-delete-certificate';
import { useLiveCertificate } from './use-live-certificate';
import { useMyCertificate } from './use-my-certificate';

/**
 * The person's certificate: the button that orders it, its order advancing live, its files once
 * issued, and its delete (or, while queued, its withdrawal).
 */
export function CertificatePage() {
  useDocumentTitle('Certificate');
  const mine = useMyCertificate();
  const { resource } = mine;
  // The Revoking… heading that had the focus is gone: the notice takes it, once shown.
  const focusGoneNotice = useCallback((notice: HTMLParagraphElement | null) => notice?.focus(), []);

  return (
    <section aria-labelledby="certificate-title">
      <h1 id="certificate-title">Certificate</h1>
      {resource.state === 'loading' ? <Loading label="Loading your certificate…" /> : null}
      {resource.state === 'failed' ? (
        <FailurePage error={resource.error} onRetry={mine.reload} />
      ) : null}
      {mine.orderError ? (
        <p className="callout callout--bad" role="alert">
          {mine.orderError}
        </p>
      ) : null}
      {resource.state === 'ready' && resource.data === null && mine.gone ? (
        <p ref={focusGoneNotice} tabIndex={-1} className="callout callout--info" role="status">
          {goneText(mine.gone)}
        </p>
      ) : null}
      {resource.state === 'ready' && resource.data === null ? (
        <OrderPanel ordering={mine.ordering} onOrder={mine.order} />
      ) : null}
      {resource.state === 'ready' && resource.data ? (
        <CertificateDetail
          key={`${resource.data.id}:${resource.data.updatedAt}`}
          loaded={resource.data}
          onRetry={mine.order}
          retrying={mine.ordering}
          justOrdered={mine.ordered}
          removal={mine.removal}
          onRemoving={mine.onRemoving}
          onGone={mine.onGone}
        />
      ) : null}
    </section>
  );
}

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
  const { certificate, steps, revokes, withdraws } = useLiveCertificate(loaded, removal, onGone);
  const deletion = useDeleteCertificate(certificate, onRemoving);
  const deletingHeading = useRef<HTMLHeadingElement>(null);
  const status = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (justOrdered) status.current?.focus();
  }, [justOrdered]);
  useEffect(() => {
    // The button that asked is gone with the dialog: the person lands on what happens now.
    if (removal && loaded.status === 'deleting') deletingHeading.current?.focus();
  }, [removal, loaded.status]);

  const running = certificate.status === 'pending' || certificate.status === 'renewing';
  const downloadable =
    certificate.status === 'issued' ||
    certificate.status === 'renewing' ||
    certificate.status === 'revocation-failed';
  return (
    <>
      <div ref={status} tabIndex={-1} className="page-sub" aria-live="polite">
        <StatusBadge status={certificate.status} reason={certificate.statusReason} />
      </div>
      <p>
        For <strong>{certificate.domains.join(' and ')}</strong>
      </p>

      {certificate.status === 'failed' ? (
        <FailedOrderNotice
          reason={certificate.statusReason}
          retrying={retrying}
          onRetry={onRetry}
        />
      ) : null}
      {certificate.status === 'queued' ? <QueuedNotice certificate={certificate} /> : null}
      {certificate.status === 'renewing' ? (
        <p className="callout callout--info">
          A new certificate is being ordered. The current one stays valid and downloadable
          meanwhile.
        </p>
      ) : null}
      {certificate.status === 'deleting' ? (
        <RemovalProgress
          headingRef={deletingHeading}
          withdraws={withdraws}
          revokes={revokes}
          valid={Boolean(certificate.validTo)}
          steps={steps}
        />
      ) : null}
      {certificate.status === 'revocation-failed' ? (
        <RevocationFailedNotice deletion={deletion} />
      ) : null}
      {deletion.error ? (
        <p className="callout callout--bad" role="alert">
          {deletion.error}
        </p>
      ) : null}

      {running || certificate.status === 'failed' ? (
        <OrderProgress running={running} steps={steps} />
      ) : null}

      {downloadable ? <IssuedCertificate certificate={certificate} /> : null}

      <DeletePanel certificate={certificate} deletion={deletion} />
    </>
  );
}
