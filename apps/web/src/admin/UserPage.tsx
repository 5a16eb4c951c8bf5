import type { AdminUserDetail } from '@starchart/api-client';
import { Link, useParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Empty, Loading } from '../components/States';
import { FailurePage } from '../pages/ErrorPages';
import { AuditTable } from './AuditPage';
import { DeleteUserPanel } from './DeleteUserPanel';
import { LockPanel } from './LockPanel';
import { QuotaPanel } from './QuotaPanel';
import { UserCertificate } from './UserCertificate';
import { UserFacts } from './UserFacts';
import { UserFlows } from './UserFlows';
import { UserRecords } from './UserRecords';

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
        <DeleteUserPanel user={user} onChanged={reload} />
      </section>

      <UserFlows flows={recentFlows} onRetried={reload} />
      <UserRecords user={user} records={records} />
      <UserCertificate certificate={certificate} />

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
