import type { Certificate } from '@starchart/api-client';
import { formatDateTime } from '../records/format';

/** Why nothing happens yet: the issuance budget is spent, and when the order should start. */
export function QueuedNotice({ certificate }: { certificate: Certificate }) {
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
