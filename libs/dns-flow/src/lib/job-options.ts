import type { JobsOptions } from 'bullmq';
import type { DnsRecordJobData } from './job-data';
import { DNS_QUEUES, type DnsQueueName } from './queues';

export type DnsJobOptions = Pick<
  JobsOptions,
  | 'jobId'
  | 'attempts'
  | 'backoff'
  | 'removeOnComplete'
  | 'removeOnFail'
  | 'ignoreDependencyOnFailure'
>;

const HOUR_S = 3_600;

interface RetryPolicy {
  attempts: number;
  firstRetryMs: number;
}

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
const RETENTION = {
  completed: { age: 24 * HOUR_S, count: 1_000 },
  failed: { age: 7 * 24 * HOUR_S, count: 5_000 },
} as const;

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

/**
 * The options of one node of a DNS flow. A FlowProducer ignores a queue's defaultJobOptions, so
 * every node carries its own.
 */
export function jobOptionsFor(flow: FlowKey, step: DnsQueueName): DnsJobOptions {
  const { attempts, firstRetryMs } = RETRY_POLICY[step];
  const isRoot = step === DNS_QUEUES.syncDbStatus;
  return {
    jobId: jobIdFor(flow, step),
    attempts,
    backoff: { type: 'exponential', delay: firstRetryMs },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
    // A child that fails for good is recorded in its parent's failed set and the parent still
    // runs once all its children have settled, so the root always writes active or error.
    // (continueParentOnFailure would start the parent while its other children still run.)
    ...(isRoot ? {} : { ignoreDependencyOnFailure: true }),
  };
}
