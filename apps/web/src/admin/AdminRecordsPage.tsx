import type { AdminRecordPage, AdminRecordsQuery, DnsRecord } from '@starchart/api-client';
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Empty, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { FailurePage } from '../pages/ErrorPages';
import { TimeAgo } from '../components/TimeAgo';
import { displayValue } from '../records/format';
import { RECORD_TYPES } from '../records/record-rules';
import { Pager } from '../components/Pager';
import { RetryButton } from './RetryButton';
import { useCursorPages } from './use-cursor-pages';

const PAGE_SIZE = 50;
const STATUSES = ['pending', 'active', 'error', 'deleting'] as const;
const FILTERS = ['status', 'stuckForMinutes', 'name', 'type', 'username'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The filters in the address, so a link (a person's page, the admin home) can set them. */
function filtersOf(params: URLSearchParams): Filters {
  return {
    status: params.get('status') ?? '',
    stuckForMinutes: params.get('stuckForMinutes') ?? '',
    name: params.get('name') ?? '',
    type: params.get('type') ?? '',
    username: params.get('username') ?? '',
  };
}

function queryOf(filters: Filters): Omit<AdminRecordsQuery, 'limit' | 'cursor'> {
  const status = STATUSES.find((candidate) => candidate === filters.status);
  const type = RECORD_TYPES.find((candidate) => candidate === filters.type);
  return {
    ...(status && { status }),
    ...(type && { type }),
    ...(filters.stuckForMinutes && { stuckForMinutes: Number(filters.stuckForMinutes) }),
    ...(filters.name && { name: filters.name }),
    ...(filters.username && { username: filters.username }),
  };
}

/** Records of every user: what fails, what hangs, by name, type or owner. */
export function AdminRecordsPage() {
  useDocumentTitle('Records of everyone');
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  // New filters (applied, followed from a link, or the back button) start afresh: page one.
  return (
    <FilteredRecords
      key={FILTERS.map((name) => filters[name]).join('\n')}
      filters={filters}
      onApply={setParams}
    />
  );
}

function FilteredRecords({
  filters,
  onApply,
}: {
  filters: Filters;
  onApply: (params: Record<string, string>) => void;
}) {
  const { client } = useServices();
  const [draft, setDraft] = useState<Filters>(filters);
  const pages = useCursorPages();
  const [retried, setRetried] = useState<ReadonlyMap<string, DnsRecord>>(new Map());
  const id = useId();

  const { resource, reload } = useResource<AdminRecordPage>(
    (signal) =>
      call(
        client.GET('/api/v1/admin/records', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...queryOf(filters),
              ...(pages.cursor && { cursor: pages.cursor }),
            },
          },
          signal,
        }),
      ),
    [client, pages.cursor],
  );

  function apply(event: FormEvent) {
    event.preventDefault();
    onApply(Object.fromEntries(Object.entries(draft).filter(([, value]) => value.trim() !== '')));
  }

  const field = (name: keyof Filters) => ({
    id: `${id}-${name}`,
    value: draft[name],
    onChange: (event: { target: { value: string } }) =>
      setDraft((current) => ({ ...current, [name]: event.target.value })),
  });

  return (
    <section aria-labelledby="admin-records-title">
      <p className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">›</span> Records
      </p>
      <h1 id="admin-records-title">Records of everyone</h1>
      <form className="filters" role="search" aria-label="Filter records" onSubmit={apply}>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select {...field('status')}>
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-stuckForMinutes`}>Unchanged for more than (minutes)</label>
          <input {...field('stuckForMinutes')} type="number" min={1} inputMode="numeric" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name starts with</label>
          <input {...field('name')} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select {...field('type')}>
            <option value="">any</option>
            {RECORD_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-username`}>Owner</label>
          <input {...field('username')} autoComplete="off" />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Filter
          </button>
          <Link className="button button--quiet" to="/admin/records">
            Clear
          </Link>
        </div>
      </form>

      {resource.state === 'loading' ? <Loading label="Loading records…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' && resource.data.items.length === 0 ? (
        <Empty title="No record matches these filters." />
      ) : null}
      {resource.state === 'ready' && resource.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">
                Records of every user, newest change first, page {pages.pageNumber}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last change</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {resource.data.items.map((listed) => {
                  const record = retried.get(listed.id) ?? listed;
                  return (
                    <tr key={record.id} data-record={record.fqdn}>
                      <th scope="row" className="table__name">
                        <Link to={`/records/${record.id}`}>{record.fqdn}</Link>
                      </th>
                      <td>{record.type}</td>
                      <td className="table__value">{displayValue(record)}</td>
                      <td>
                        <Link to={`/admin/users/${record.username}`}>{record.username}</Link>
                      </td>
                      <td>
                        <StatusBadge status={record.status} reason={record.statusReason} />
                      </td>
                      <td>
                        <TimeAgo at={record.updatedAt} />
                      </td>
                      <td className="table__actions">
                        {record.status === 'error' ? (
                          <RetryButton
                            record={record}
                            onRetried={(updated) =>
                              setRetried((map) => new Map(map).set(updated.id, updated))
                            }
                          />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            label="Pages of records"
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
