import type { AdminUserDetail } from '@starchart/api-client';
import { Link } from 'react-router';
import { StatusBadge } from '../components/StatusBadge';
import { StepList } from '../components/StepList';
import { RECORD_STEPS } from '../records/record-steps';
import { RetryButton } from './RetryButton';

/** Their most recently changed records, each with the steps of its latest flow. */
export function UserFlows({
  flows,
  onRetried,
}: {
  flows: AdminUserDetail['recentFlows'];
  onRetried: () => void;
}) {
  return (
    <section className="panel" aria-labelledby="flows-title">
      <h2 id="flows-title">Latest flows</h2>
      {flows.length === 0 ? <p>No records, so no flows.</p> : null}
      {flows.map((flow) => (
        <article key={flow.id} className="flow" aria-label={`${flow.fqdn} ${flow.type}`}>
          <h3>
            <Link to={`/records/${flow.id}`}>{flow.fqdn}</Link> {flow.type}{' '}
            <StatusBadge status={flow.status} reason={flow.statusReason} />
          </h3>
          {flow.steps ? (
            <StepList order={RECORD_STEPS} steps={flow.steps} label={`Steps of ${flow.fqdn}`} />
          ) : (
            <p className="muted">The job queue cannot be reached right now.</p>
          )}
          {flow.status === 'error' ? <RetryButton record={flow} onRetried={onRetried} /> : null}
        </article>
      ))}
    </section>
  );
}
