import type { CertificateList, DnsRecordPage } from '@starchart/api-client';
import { Link } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { usePerson } from '../auth/session';
import { daysLeft } from '../certificate/validity';
import { Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../records/format';
import { FailurePage } from './ErrorPages';

interface Overview {
  records: DnsRecordPage;
  certificates: CertificateList;
}

/** Where a person starts: records used of the quota, the certificate, what to do next. */
export function DashboardPage() {
  useDocumentTitle('Dashboard');
  const person = usePerson();
  const { client } = useServices();
  const { resource, reload } = useResource<Overview>(
    async (signal) => {
      const [records, certificates] = await Promise.all([
        call(client.GET('/api/v1/records', { params: { query: { limit: 5 } }, signal })),
        call(client.GET('/api/v1/certificates', { signal })),
      ]);
      return { records, certificates };
    },
    [client],
  );

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Hello, {person.name}</h1>
      {resource.state === 'loading' ? <Loading label="Loading your overview…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' ? <Overview overview={resource.data} /> : null}
    </section>
  );
}

function Overview({ overview: { records, certificates } }: { overview: Overview }) {
  const certificate = certificates.items[0];
  const used = records.total;
  const full = used >= records.quota;
  const attention = records.items.filter((record) => record.status === 'error').length;
  return (
    <>
      <div className="cards">
        <article className="card" aria-labelledby="card-records">
          <h2 id="card-records">Records</h2>
          <p className="card__figure">
            {used} <span className="muted">of {records.quota} used</span>
          </p>
          <meter
            className="meter"
            min={0}
            max={records.quota}
            value={used}
            aria-labelledby="card-records"
          >
            {used} of {records.quota}
          </meter>
          {full ? (
            <p className="hint">You have reached your quota: delete a record to add another.</p>
          ) : null}
          {attention > 0 ? (
            <p>
              <StatusBadge status="error" /> {attention}{' '}
              {attention === 1 ? 'record needs' : 'records need'} your attention.
            </p>
          ) : null}
          <div className="actions">
            <Link className="button" to="/records">
              Manage records
            </Link>
            {!full ? (
              <Link className="button button--quiet" to="/records/new">
                New record
              </Link>
            ) : null}
          </div>
        </article>

        <article className="card" aria-labelledby="card-certificate">
          <h2 id="card-certificate">Certificate</h2>
          {certificate ? (
            <>
              <p>
                <StatusBadge status={certificate.status} reason={certificate.statusReason} />
              </p>
              {certificate.validTo ? (
                <p>
                  Valid until {formatDateTime(certificate.validTo)}{' '}
                  <span className="muted">({daysLeft(certificate.validTo)} days left)</span>
                </p>
              ) : null}
              {certificate.status === 'queued' && certificate.queue ? (
                <p>
                  Place {certificate.queue.place} in the queue, estimated start{' '}
                  {formatDateTime(certificate.queue.estimatedStartAt)}
                </p>
              ) : null}
              <p className="muted">{certificate.domains.join(', ')}</p>
            </>
          ) : (
            <>
              <p>
                <StatusBadge status="none" />
              </p>
              <p>One certificate gives HTTPS to your name and every name below it.</p>
            </>
          )}
          <div className="actions">
            <Link className="button" to="/certificate">
              {certificate ? 'See certificate' : 'Order certificate'}
            </Link>
          </div>
        </article>
      </div>

      <div className="panel">
        <h2>Next steps</h2>
        <ol className="next-steps">
          <li>
            <Link to="/records/new">Create a record</Link>: point a name such as www at your server.
          </li>
          <li>
            <Link to="/certificate">Order your certificate</Link> and download it for your server.
          </li>
          <li>Check your name with dig or nslookup once its record shows Active.</li>
        </ol>
      </div>
    </>
  );
}
