import type { AdminUserPage } from '@starchart/api-client';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Empty, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { FailurePage } from '../pages/ErrorPages';
import { TimeAgo } from '../components/TimeAgo';
import { Pager } from '../components/Pager';
import { useCursorPages } from './use-cursor-pages';

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

/** Find a person by the start of their username or e-mail address. */
export function UsersPage() {
  useDocumentTitle('People');
  const { client } = useServices();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [typed, setTyped] = useState(query);
  const pages = useCursorPages();
  const { reset } = pages;
  const searchId = useId();

  useEffect(() => {
    if (typed.trim() === query) return;
    const timer = window.setTimeout(() => {
      setParams(typed.trim() ? { q: typed.trim() } : {}, { replace: true });
      reset();
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [typed, query, setParams, reset]);

  const { resource, reload } = useResource<AdminUserPage>(
    (signal) =>
      call(
        client.GET('/api/v1/admin/users', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(query && { q: query }),
              ...(pages.cursor && { cursor: pages.cursor }),
            },
          },
          signal,
        }),
      ),
    [client, query, pages.cursor],
  );

  return (
    <section aria-labelledby="users-title">
      <p className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">›</span> People
      </p>
      <h1 id="users-title">People</h1>
      <form className="toolbar" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={searchId}>Find a person</label>
        <input
          id={searchId}
          type="search"
          value={typed}
          placeholder="username or e-mail"
          autoComplete="off"
          onChange={(event) => setTyped(event.target.value)}
        />
      </form>

      {resource.state === 'loading' ? <Loading label="Looking for people…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' && resource.data.items.length === 0 ? (
        <Empty title={query ? `Nobody’s name or address starts with “${query}”.` : 'Nobody yet.'}>
          <p>A person appears here once they have signed in and used Starchart.</p>
        </Empty>
      ) : null}
      {resource.state === 'ready' && resource.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">
                People{query ? ` whose name or address starts with ${query}` : ''}, page{' '}
                {pages.pageNumber}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Records</th>
                  <th scope="col">Certificate</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Account</th>
                </tr>
              </thead>
              <tbody>
                {resource.data.items.map((user) => (
                  <tr key={user.username} data-user={user.username}>
                    <th scope="row" className="table__name">
                      <Link to={`/admin/users/${user.username}`}>{user.username}</Link>
                    </th>
                    <td>{user.email ?? <span className="muted">none</span>}</td>
                    <td>
                      {user.recordCount} of {user.quota.effective}
                    </td>
                    <td>
                      <StatusBadge status={user.certificateStatus ?? 'none'} />
                    </td>
                    <td>{user.lastSeenAt ? <TimeAgo at={user.lastSeenAt} /> : 'never'}</td>
                    <td>
                      {user.lock ? (
                        <span className="badge badge--bad">
                          <span aria-hidden="true">🔒</span> Locked
                        </span>
                      ) : (
                        <span className="badge badge--ok">
                          <span aria-hidden="true">✓</span> Open
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Pages of people"
            pageNumber={pages.pageNumber}
            nextCursor={resource.data.nextCursor}
            onPrevious={pages.previous}
            onNext={pages.next}
          />
        </>
      ) : null}
    </section>
  );
}
