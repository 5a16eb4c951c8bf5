import type { CertificateStatus, RecordStatus } from '@starchart/api-client';

type Status = RecordStatus | CertificateStatus | 'none';

/** Every status has a word and a symbol, never colour alone. */
const LOOK: Record<Status, { label: string; symbol: string; tone: string }> = {
  pending: { label: 'Pending', symbol: '◔', tone: 'progress' },
  active: { label: 'Active', symbol: '✓', tone: 'ok' },
  error: { label: 'Error', symbol: '✕', tone: 'bad' },
  deleting: { label: 'Deleting', symbol: '⌫', tone: 'progress' },
  issued: { label: 'Issued', symbol: '✓', tone: 'ok' },
  failed: { label: 'Failed', symbol: '✕', tone: 'bad' },
  renewing: { label: 'Renewing', symbol: '↻', tone: 'progress' },
  'revocation-failed': { label: 'Not revoked', symbol: '✕', tone: 'bad' },
  // ◷, not ⧗: Debian's DejaVu fonts (and many others) have no hourglass, which shows as a box.
  queued: { label: 'Queued', symbol: '◷', tone: 'neutral' },
  none: { label: 'Not ordered', symbol: '○', tone: 'neutral' },
};

export function StatusBadge({ status, reason }: { status: Status; reason?: string | null }) {
  const look = LOOK[status];
  return (
    <span className="status">
      <span className={`badge badge--${look.tone}`}>
        <span aria-hidden="true">{look.symbol}</span> {look.label}
      </span>
      {reason ? <span className="status__reason">{reason}</span> : null}
    </span>
  );
}
