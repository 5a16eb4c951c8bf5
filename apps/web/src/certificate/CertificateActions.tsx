import type { Certificate } from '@starchart/api-client';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { StatusBadge } from '../components/StatusBadge';
import type { DeleteCertificate } from './use-delete-certificate';

/** No certificate yet: what one covers, and the button that orders it. */
export function OrderPanel({ ordering, onOrder }: { ordering: boolean; onOrder: () => void }) {
  return (
    <div className="panel">
      <StatusBadge status="none" />
      <p>
        One certificate covers your own name and every name below it (a wildcard), so each of your
        records can serve HTTPS. Ordering takes a minute or two.
      </p>
      <button type="button" className="button" onClick={onOrder} disabled={ordering}>
        {ordering ? 'Ordering…' : 'Order my certificate'}
      </button>
    </div>
  );
}

/** The order failed: why, and the button that orders again. */
export function FailedOrderNotice({
  reason,
  retrying,
  onRetry,
}: {
  reason: string | null;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <div className="callout callout--bad">
      <p>
        <strong>The certificate could not be issued.</strong> {reason ?? ''}
      </p>
      <button type="button" className="button" onClick={onRetry} disabled={retrying}>
        {retrying ? 'Ordering…' : 'Retry the order'}
      </button>
    </div>
  );
}

/** The authority did not revoke it: try again, or delete it while it stays valid. */
export function RevocationFailedNotice({ deletion }: { deletion: DeleteCertificate }) {
  return (
    <div className="callout callout--bad">
      <p>
        <strong>The certificate was not deleted:</strong> the certificate authority did not revoke
        it. It stays valid and downloadable.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => deletion.remove(false)}
          disabled={deletion.busy}
        >
          {deletion.busy ? 'Deleting…' : 'Try to revoke and delete again'}
        </button>
        <button
          type="button"
          className="button button--danger-outline"
          onClick={() => deletion.remove(true)}
          disabled={deletion.busy}
        >
          Delete without revoking
        </button>
      </div>
    </div>
  );
}

/**
 * Delete an issued or failed certificate, or withdraw a queued order, after confirming. An issued
 * one is revoked first.
 */
export function DeletePanel({
  certificate,
  deletion,
}: {
  certificate: Certificate;
  deletion: DeleteCertificate;
}) {
  const queued = certificate.status === 'queued';
  const offered = certificate.status === 'issued' || certificate.status === 'failed' || queued;
  return (
    <>
      {offered ? (
        <div className="panel">
          <h2>{queued ? 'Withdraw' : 'Delete'}</h2>
          <button
            type="button"
            className="button button--danger-outline"
            onClick={() => deletion.setConfirming(true)}
            disabled={deletion.busy}
          >
            {queued ? 'Withdraw my order' : 'Delete my certificate'}
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={deletion.confirming}
        title={queued ? 'Withdraw your order?' : 'Delete your certificate?'}
        confirmLabel={
          queued ? 'Withdraw the order' : certificate.validTo ? 'Revoke and delete' : 'Delete'
        }
        busy={deletion.busy}
        onConfirm={() => deletion.remove(false)}
        onCancel={() => deletion.setConfirming(false)}
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
