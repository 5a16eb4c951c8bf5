import type { AdminUser } from '@starchart/api-client';
import { formatDateTime } from '../records/format';

/** Who they are: mail, when seen, records against their quota, and whether they are locked. */
export function UserFacts({ user }: { user: AdminUser }) {
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
