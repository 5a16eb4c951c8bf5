import type { AdminRecordPage, AdminUser } from '@starchart/api-client';
import { Link } from 'react-router';
import { StatusBadge } from '../components/StatusBadge';
import { TimeAgo } from '../components/TimeAgo';
import { displayValue } from '../records/format';

/** The first page of their records, and a link to all of them when there are more. */
export function UserRecords({ user, records }: { user: AdminUser; records: AdminRecordPage }) {
  return (
    <section className="panel" aria-labelledby="records-title">
      <h2 id="records-title">Records</h2>
      {records.items.length === 0 ? (
        <p>{user.username} has no records.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Records of {user.username}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
                <th scope="col">Status</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {records.items.map((record) => (
                <tr key={record.id}>
                  <th scope="row" className="table__name">
                    <Link to={`/records/${record.id}`}>{record.fqdn}</Link>
                  </th>
                  <td>{record.type}</td>
                  <td className="table__value">{displayValue(record)}</td>
                  <td>
                    <StatusBadge status={record.status} reason={record.statusReason} />
                  </td>
                  <td>
                    <TimeAgo at={record.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {records.nextCursor ? (
        <p>
          <Link to={`/admin/records?username=${user.username}`}>
            All records of {user.username}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
