import {
  flowJobOptions,
  HOUR_S,
  type FlowJobOptions,
  type Retention,
  type RetryPolicy,
} from '@starchart/flow-runtime';
import type { DnsRecordJobData } from './job-data';
import { DNS_QUEUES, type DnsQueueName } from './queues';

// Route 53 steps back off longer: throttling clears in seconds, not milliseconds.
const RETRY_POLICY: Record<DnsQueueName, RetryPolicy> = {
  [DNS_QUEUES.addDbRecord]: { attempts: 5, firstRetryMs: 1_000 },
  [DNS_QUEUES.createDnsRecord]: { attempts: 6, firstRetryMs: 2_000 },
  [DNS_QUEUES.checkDnsStatus]: { attempts: 6, firstRetryMs: 2_000 },
  [DNS_QUEUES.syncDbStatus]: { attempts: 8, firstRetryMs: 1_000 },
};

const JOB_NAMES: Record<DnsQueueName, string> = {
  [DNS_QUEUES.addDbRecord]: 'addDbRecord',
  [DNS_QUEUES.createDnsRecord]: 'createDnsRecord',
  [DNS_QUEUES.checkDnsStatus]: 'checkDnsStatus',
  [DNS_QUEUES.syncDbStatus]: 'syncDbStatus',
};

// Enough for GET /records/{id} and the board to show recent flows; a failed job is what an
// operator investigates, so it stays longer. About 10 KB a job, so at most ~50 MB of failed jobs
// per queue in Redis and ~10 MB of completed ones.
const RETENTION: Retention = {
  completed: { age: 24 * HOUR_S, count: 1_000 },
  failed: { age: 7 * 24 * HOUR_S, count: 5_000 },
};

/** What identifies one flow: the operation on one version of one record. */
export type FlowKey = Pick<DnsRecordJobData, 'op' | 'recordId' | 'version'>;

/**
 * Deterministic, so that adding the same flow twice adds nothing. BullMQ uses ':' as its key
 * separator, so ids must not contain one.
 */
export function jobIdFor(flow: FlowKey, step: DnsQueueName): string {
  return `${flow.op}-${flow.recordId}-v${flow.version}-${step}`;
}

/** Reads like `createDnsRecord:www-alice` on the board. */
export function jobNameFor(
  data: Pick<DnsRecordJobData, 'name' | 'username'>,
  step: DnsQueueName,
): string {
  return `${JOB_NAMES[step]}:${data.name}-${data.username}`;
}

/** The options of one node of a DNS flow: its step's retry policy, the flow's retention. */
export function jobOptionsFor(flow: FlowKey, step: DnsQueueName): FlowJobOptions {
  return flowJobOptions({
    jobId: jobIdFor(flow, step),
    retry: RETRY_POLICY[step],
    retention: RETENTION,
    isRoot: step === DNS_QUEUES.syncDbStatus,
  });
}
