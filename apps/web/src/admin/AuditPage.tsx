import type { AdminAuditEntry, AdminAuditPage } from '@starchart/api-client';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Empty, Loading } from '../components/States';
import { FailurePage } from '../pages/ErrorPages';
import { formatDateTime } from '../records/format';
import { Pager } from '../components/Pager';
import { useCursorPages } from './use-cursor-pages';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;
// The api's username rule: what a filter must look like before it is sent.
const USERNAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

const ACTION_WORDS: Record<AdminAuditEntry['action'], string> = {
  'user.lock': 'locked',
  'user.unlock': 'unlocked',
  'user.quota': 'set the quota of',
  'user.delete': 'deleted',
  'record.retry': 'retried a record of',
  'reconcile.run': 'started a reconcile run',
};

/** Every admin action, newest first; filtered to one person with ?username=. */
export function AuditPage() {
  useDocumentTitle('Audit log');
  const { client } = useServices();
  const [params, setParams] = useSearchParams();
  const username = params.get('username') ?? '';
  const [typed, setTyped] = useState(username);
  const pages = useCursorPages();
  const { reset } = pages;
  const filterId = useId();
  const typedValid = typed.trim() === '' || USERNAME.test(typed.trim());

  useEffect(() => {
    if (typed.trim() === username || !typedValid) return;
    const timer = window.setTimeout(() => {
      setParams(typed.trim() ? { username: typed.trim() } : {}, { replace: true });
      reset();
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [typed, typedValid, username, setParams, reset]);

  const { resource, reload } = useResource<AdminAuditPage>(
    (signal) =>
      call(
        client.GET('/api/v1/admin/audit', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(username && { username }),
              ...(pages.cursor && { cursor: pages.cursor }),
            },
          },
          signal,
        }),
      ),
    [client, username, pages.cursor],
  );

  return (
    <section aria-labelledby="audit-title">
      <p className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">›</span> Audit log
      </p>
      <h1 id="audit-title">Audit log</h1>
      <form className="toolbar" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={filterId}>Actions on</label>
        <input
          id={filterId}
          type="search"
          value={typed}
          placeholder="username"
          autoComplete="off"
          aria-invalid={!typedValid}
          onChange={(event) => setTyped(event.target.value)}
        />
        {typedValid ? null : <span className="field__error">Not a username.</span>}
      </form>
      {resource.state === 'loading' ? <Loading label="Loading the audit log…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' && resource.data.items.length === 0 ? (
        <Empty title={username ? `No admin has acted on ${username}.` : 'No admin action yet.'} />
      ) : null}
      {resource.state === 'ready' && resource.data.items.length > 0 ? (
        <>
          <AuditTable
            entries={resource.data.items}
            caption={`Admin actions${username ? ` on ${username}` : ''}, page ${pages.pageNumber}`}
          />
          <Pager
            label="Pages of the audit log"
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

export function AuditTable({ entries, caption }: { entries: AdminAuditEntry[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Outcome</th>
            <th scope="col">Details</th>
            <th scope="col">Request id</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-action={entry.action}>
              <td>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </td>
              <td>{entry.actor}</td>
              <td>
                {ACTION_WORDS[entry.action]}{' '}
                {entry.targetUsername ? (
                  <Link to={`/admin/users/${entry.targetUsername}`}>{entry.targetUsername}</Link>
                ) : null}
                {entry.targetRecordId ? (
                  <>
                    {' '}
                    (<Link to={`/records/${entry.targetRecordId}`}>record</Link>)
                  </>
                ) : null}
              </td>
              <td>
                {entry.outcome === 'succeeded' ? (
                  <span className="badge badge--ok">
                    <span aria-hidden="true">✓</span> Succeeded
                  </span>
                ) : (
                  <span className="badge badge--bad">
                    <span aria-hidden="true">✕</span> Failed
                  </span>
                )}
              </td>
              <td className="table__value">{entry.detail}</td>
              <td className="table__value">{entry.requestId}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
