import type { JobsOptions } from 'bullmq';

export type FlowJobOptions = Pick<
  JobsOptions,
  | 'jobId'
  | 'attempts'
  | 'backoff'
  | 'removeOnComplete'
  | 'removeOnFail'
  | 'ignoreDependencyOnFailure'
>;

export const HOUR_S = 3_600;

/** How often a step runs at most, and how long it waits before its first retry. */
export interface RetryPolicy {
  attempts: number;
  firstRetryMs: number;
}

/** How long (seconds) and how many finished jobs of a step stay in Redis. */
export interface Retention {
  completed: { age: number; count: number };
  failed: { age: number; count: number };
}

/** One node of a flow tree, as its flow's policy tables describe it. */
export interface FlowNodePolicy {
  jobId: string;
  retry: RetryPolicy;
  retention: Retention;
  isRoot: boolean;
}

/**
 * The options of one node of a flow. A FlowProducer ignores a queue's defaultJobOptions, so
 * every node carries its own.
 */
export function flowJobOptions(node: FlowNodePolicy): FlowJobOptions {
  return {
    jobId: node.jobId,
    attempts: node.retry.attempts,
    backoff: { type: 'exponential', delay: node.retry.firstRetryMs },
    removeOnComplete: node.retention.completed,
    removeOnFail: node.retention.failed,
    // A child that fails for good is recorded in its parent's failed set and the parent still
    // runs once all its children have settled, so the root always runs and writes the outcome.
    // (continueParentOnFailure would start the parent while its other children still run.)
    ...(node.isRoot ? {} : { ignoreDependencyOnFailure: true }),
  };
}
