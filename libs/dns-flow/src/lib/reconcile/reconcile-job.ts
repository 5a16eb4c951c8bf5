import { scheduledRunOptions, type ScheduledRun } from '@starchart/flow-runtime';
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { DNS_QUEUE_REGISTRY, RECONCILE_QUEUE } from '../queues';

/** The id of the one job scheduler every worker replica upserts: one run per slot, not per replica. */
export const RECONCILE_SCHEDULER_ID = 'reconcile-every';

/** Who asked for a run: the job scheduler, or an admin through the api. */
export const reconcileJobDataSchema = z.discriminatedUnion('trigger', [
  z.object({ trigger: z.literal('schedule') }),
  z.object({ trigger: z.literal('admin'), requestedBy: z.string().min(1) }),
]);
export type ReconcileJobData = z.infer<typeof reconcileJobDataSchema>;

/** What one run changed: the reconcile job's return value, and what the admin endpoint shows. */
export interface ReconcileReport {
  /** Record sets read from the hosted zone. */
  scanned: number;
  /** Active records written again because Route 53 lacked them or held other values. */
  upserted: number;
  /** Record sets in users' zones that no record in the database accounts for. */
  deleted: number;
  /** Pending or deleting records whose flow was lost or had failed, started again. */
  requeued: number;
  /** Records and names left alone because a flow is still working on them. */
  skippedInFlight: number;
  /** Changes Route 53 refused or that kept failing; the next run tries again. */
  failed: number;
  durationMs: number;
  /**
   * The hosted zone's record sets and quota (MAX_RRSETS_BY_ZONE) as GetHostedZoneLimit read them
   * at the end of the run; null when they could not be read.
   */
  zone: { recordSets: number; quota: number } | null;
}

export type ReconcileJobOptions = Pick<
  JobsOptions,
  'jobId' | 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'
>;

/**
 * The options of every reconcile job, scheduled or asked for (a scheduler's template takes all
 * but the id), with the retention of its registry row.
 */
export function reconcileJobOptions(jobId?: string): ReconcileJobOptions {
  return { ...(jobId === undefined ? {} : { jobId }), ...scheduledRunOptions(RECONCILE_RUN) };
}

export const RECONCILE_JOB_NAME = DNS_QUEUE_REGISTRY[RECONCILE_QUEUE].jobName;

/** The scheduled run, but for its interval: its registry row, payload and retries. */
export const RECONCILE_RUN = {
  schedulerId: RECONCILE_SCHEDULER_ID,
  row: DNS_QUEUE_REGISTRY[RECONCILE_QUEUE],
  data: { trigger: 'schedule' } satisfies ReconcileJobData,
  retry: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 } },
} as const satisfies Omit<ScheduledRun, 'everyMs'>;
