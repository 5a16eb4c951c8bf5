import type { DnsRecord, DnsRecordPage } from '@starchart/api-client';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { CopyButton } from '../components/CopyButton';
import { Pager } from '../components/Pager';
import { Empty, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { FailurePage } from '../pages/ErrorPages';
import { ExpiryDate } from './ExpiryDate';
import { TimeAgo } from '../components/TimeAgo';
import { displayValue } from './format';
import { RenewButton } from './RenewButton';
import { useLiveRecord } from './use-live-record';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;
// Each live row holds one stream open; browsers allow six connections per origin.
const LIVE_ROWS_MAX = 4;

/** Your records: searched and paged by the api, pending rows updating themselves. */
export function RecordsPage() {
  useDocumentTitle('Records');
  const { client } = useServices();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [typed, setTyped] = useState(query);
  // The cursors of the pages before this one, so "Previous" goes back without offsets.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const searchId = useId();

  useEffect(() => {
    if (typed.trim() === query) return;
    const timer = window.setTimeout(() => {
      setParams(typed.trim() ? { q: typed.trim() } : {}, { replace: true });
      setCursors([undefined]);
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [typed, query, setParams]);

  const { resource, reload } = useResource<DnsRecordPage>(
    (signal) =>
      call(
        client.GET('/api/v1/records', {
          params: {
            query: { limit: PAGE_SIZE, ...(query && { q: query }), ...(cursor && { cursor }) },
          },
          signal,
        }),
      ),
    [client, query, cursor],
  );

  return (
    <section aria-labelledby="records-title">
      <div className="page-head">
        <h1 id="records-title">Records</h1>
        <Link className="button" to="/records/new">
          New record
        </Link>
      </div>

      <form className="toolbar" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={searchId}>Search by name</label>
        <input
          id={searchId}
          type="search"
          value={typed}
          placeholder="www"
          autoComplete="off"
          onChange={(event) => setTyped(event.target.value)}
        />
      </form>

      {resource.state === 'loading' ? <Loading label="Loading your records…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' ? (
        <RecordsTable
          page={resource.data}
          query={query}
          pageNumber={cursors.length}
          onPrevious={() => setCursors((stack) => stack.slice(0, -1))}
          onNext={(next) => setCursors((stack) => [...stack, next])}
        />
      ) : null}
    </section>
  );
}

function RecordsTable({
  page,
  query,
  pageNumber,
  onPrevious,
  onNext,
}: {
  page: DnsRecordPage;
  query: string;
  pageNumber: number;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}) {
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const items = page.items.filter((item) => !gone.has(item.id));
  if (page.total === 0) {
    return query ? (
      <Empty title={`No record's name starts with “${query}”.`}>
        <p>Try a shorter search, or clear it to see every record.</p>
      </Empty>
    ) : (
      <Empty title="You have no records yet.">
        <p>A record gives a name of yours an address, such as www pointing at your server.</p>
        <Link className="button" to="/records/new">
          Create your first record
        </Link>
      </Empty>
    );
  }
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  let live = 0;
  return (
    <>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">
            Your records{query ? `, names starting with ${query}` : ''}, page {pageNumber} of{' '}
            {pages}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Value</th>
              <th scope="col">TTL</th>
              <th scope="col">Status</th>
              <th scope="col">Last change</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((record) => {
              const follow =
                (record.status === 'pending' || record.status === 'deleting') &&
                live++ < LIVE_ROWS_MAX;
              return follow ? (
                <LiveRow
                  key={`${record.id}:${record.updatedAt}`}
                  record={record}
                  onGone={() => setGone((ids) => new Set(ids).add(record.id))}
                />
              ) : (
                <RecordRow key={record.id} record={record} />
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager
        label="Pages of records"
        pageNumber={pageNumber}
        nextCursor={page.nextCursor}
        onPrevious={onPrevious}
        onNext={onNext}
        summary={`Page ${pageNumber} of ${pages} · ${page.total} ${page.total === 1 ? 'record' : 'records'}`}
      />
    </>
  );
}

function LiveRow({ record, onGone }: { record: DnsRecord; onGone: () => void }) {
  const live = useLiveRecord(record);
  useEffect(() => {
    if (live.record === null) onGone();
  }, [live.record, onGone]);
  return live.record ? <RecordRow record={live.record} /> : null;
}

function RecordRow({ record }: { record: DnsRecord }) {
  // A renew answers with the new expiry; the rest of the row is unchanged by it.
  const [renewedTo, setRenewedTo] = useState<string | null>(null);
  const expiresAt = renewedTo ?? record.expiresAt;
  return (
    <tr data-record={record.fqdn}>
      <th scope="row" className="table__name">
        <Link to={`/records/${record.id}`}>{record.fqdn}</Link>
        <CopyButton text={record.fqdn} label={`Copy ${record.fqdn}`} />
      </th>
      <td>{record.type}</td>
      <td className="table__value">{displayValue(record)}</td>
      <td>{record.ttl}</td>
      <td>
        <StatusBadge status={record.status} reason={record.statusReason} />
      </td>
      <td>
        <TimeAgo at={record.updatedAt} />
      </td>
      <td>
        <ExpiryDate expiresAt={expiresAt} />
      </td>
      <td className="table__actions">
        <RenewButton
          record={record}
          className="link-button"
          onRenewed={(renewed) => setRenewedTo(renewed.expiresAt)}
        />{' '}
        <Link to={`/records/${record.id}/edit`} aria-label={`Edit ${record.fqdn}`}>
          Edit
        </Link>
      </td>
    </tr>
  );
}
