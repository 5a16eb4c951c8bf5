import { expiresSoon, formatDate, formatDateTime, timeAgo } from './format';

/** When the record expires: its date and how far off, flagged once the warnings begin. */
export function ExpiryDate({ expiresAt }: { expiresAt: string }) {
  const soon = expiresSoon(expiresAt);
  return (
    <span className={soon ? 'expiry expiry--soon' : 'expiry'}>
      {soon ? <span aria-hidden="true">⚠ </span> : null}
      <time dateTime={expiresAt} title={formatDateTime(expiresAt)}>
        {formatDate(expiresAt)}
      </time>{' '}
      <span className="expiry__relative">({timeAgo(expiresAt)})</span>
      {soon ? <span className="visually-hidden"> — renew it to keep it</span> : null}
    </span>
  );
}
