import type { FlowJob, Job } from 'bullmq';
import type { z } from 'zod';
import {
  flowJobOptions,
  HOUR_S,
  type FlowJobOptions,
  type Retention,
  type RetryPolicy,
} from './job-options';

/**
 * How a queue's worker holds its jobs. A crashed worker's jobs stay active until their lock
 * expires and a stall check finds them (BullMQ: 30 s each); short locks, renewed every
 * lockDuration / 2 while a job runs, bring them back within seconds. Every step is idempotent,
 * so a job caught by several crashes may stall again.
 */
export interface LockPolicy {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

/** The lock policy of every queue whose row says `locks: 'shared'`. */
export const SHARED_LOCK_POLICY: Readonly<LockPolicy> = {
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 5,
};

/** How a step that waits on something outside (Route 53, the CA) asks again. */
export interface PollPolicy {
  minMs: number;
  maxMs: number;
}

/**
 * The settings every queue has, a flow step's or a scheduler's. Every field is required: a row
 * that lacks one does not compile.
 */
export interface QueueRow {
  /** The first part of its jobs' names on the board: `createDnsRecord:www-alice`. */
  jobName: string;
  /** Jobs at once per worker process, unless WORKER_CONCURRENCY says otherwise. */
  concurrency: number;
  /** 'shared': SHARED_LOCK_POLICY, like every other queue. */
  locks: 'shared' | LockPolicy;
  /** How long finished jobs stay in Redis. */
  retention: Retention;
}

/** One step of a flow: its queue's settings, where it sits in the tree, how it retries and waits. */
export interface StepRow<Step extends string> extends QueueRow {
  /** The steps that run before this one; their results are its input. */
  children: readonly Step[];
  retry: RetryPolicy;
  /** How it polls while it waits; null: it never waits. */
  poll: PollPolicy | null;
}

/**
 * The row of a scheduler's queue (a reconcile, renewal or safety-net run): one run at a time per
 * process (a Redis lock covers the others, see runExclusively), its finished runs kept for the
 * hours given, at most `count` of each kind.
 */
export function scheduledRunRow(
  jobName: string,
  keep: { completedHours: number; failedHours: number; count: number },
): QueueRow {
  return {
    jobName,
    concurrency: 1,
    locks: 'shared',
    retention: {
      completed: { age: keep.completedHours * HOUR_S, count: keep.count },
      failed: { age: keep.failedHours * HOUR_S, count: keep.count },
    },
  };
}

/**
 * Every queue a library owns, flow steps and schedulers alike, with its settings: what the
 * board shows, the producer opens and the worker must process. Adding a queue is adding a row.
 */
export type QueueRegistry<Queue extends string = string> = { readonly [Name in Queue]: QueueRow };

/**
 * A flow, declared once: its steps (keyed by queue name), its root, and how a flow's key reads
 * and is written in job ids. Everything else (the tree, job ids and their parser, job options,
 * child outcomes) is derived by FlowDefinition.
 */
export interface FlowTable<Step extends string, Key, Data> {
  /** Names the flow in errors and logs: "DNS flow", "certificate flow". */
  label: string;
  root: Step;
  steps: { readonly [Name in Step]: StepRow<Step> };
  /** What identifies one flow (an operation on one version of one row), from its payload. */
  keyOf(data: Data): Key;
  /** The key as the start of every job id of the flow; no ':' (BullMQ's key separator). */
  formatKey(key: Key): string;
  /** The inverse of formatKey, or undefined for a text this flow did not make. */
  parseKey(text: string): Key | undefined;
  /** The part of a job's name after its step's, telling on the board whom it is for. */
  jobLabel(data: Data): string;
}

/** How a child of a job ended: its value, or the reason it failed for good. */
export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What the table derives: the tree, the job ids and their parser, each node's options. */
export class FlowDefinition<Step extends string, Key, Data> {
  /** Every step, root first, each before its children. */
  readonly stepNames: readonly Step[];

  constructor(readonly table: FlowTable<Step, Key, Data>) {
    const order: Step[] = [];
    const visit = (step: Step): void => {
      if (order.includes(step)) throw new Error(`${table.label}: step ${step} appears twice`);
      order.push(step);
      for (const child of table.steps[step].children) visit(child);
    };
    visit(table.root);
    const unreachable = Object.keys(table.steps).filter((step) => !order.some((s) => s === step));
    if (unreachable.length > 0)
      throw new Error(`${table.label}: steps outside the tree: ${unreachable.join(', ')}`);
    this.stepNames = order;
  }

  /** Deterministic, so that adding the same flow twice adds nothing. */
  jobId(key: Key, step: Step): string {
    return `${this.table.formatKey(key)}-${step}`;
  }

  jobIds(key: Key): Record<Step, string> {
    const ids: Partial<Record<Step, string>> = {};
    for (const step of this.stepNames) ids[step] = this.jobId(key, step);
    return ids as Record<Step, string>;
  }

  /** The flow id stored in the row: its root job's id. */
  flowId(key: Key): string {
    return this.jobId(key, this.table.root);
  }

  /** The inverse of flowId, or undefined for an id this flow did not make. */
  parseFlowId(flowId: string): Key | undefined {
    const suffix = `-${this.table.root}`;
    if (!flowId.endsWith(suffix)) return undefined;
    return this.table.parseKey(flowId.slice(0, -suffix.length));
  }

  /** The options of one node: its row's retries and retention; only the root waits on failures. */
  jobOptions(key: Key, step: Step): FlowJobOptions {
    const row = this.table.steps[step];
    return flowJobOptions({
      jobId: this.jobId(key, step),
      retry: row.retry,
      retention: row.retention,
      isRoot: step === this.table.root,
    });
  }

  /** The whole tree of one flow, every node with its own options and the same payload. */
  build(data: Data): FlowJob {
    const key = this.table.keyOf(data);
    const node = (step: Step): FlowJob => {
      const { children, jobName } = this.table.steps[step];
      return {
        name: `${jobName}:${this.table.jobLabel(data)}`,
        queueName: step,
        data,
        opts: this.jobOptions(key, step),
        ...(children.length > 0 ? { children: children.map(node) } : {}),
      };
    };
    return node(this.table.root);
  }

  /**
   * How a child of `job` ended: its return value, or the reason it failed for good (recorded in
   * the parent, since children run with ignoreDependencyOnFailure).
   */
  async childOutcome<T>(
    job: Job,
    data: Data,
    child: Step,
    schema: z.ZodType<T>,
  ): Promise<ChildOutcome<T>> {
    const childKey = `${job.prefix}:${child}:${this.jobId(this.table.keyOf(data), child)}`;
    const reason = (await job.getIgnoredChildrenFailures())[childKey];
    if (reason !== undefined) return { ok: false, reason };
    const parsed = schema.safeParse((await job.getChildrenValues())[childKey]);
    if (parsed.success) return { ok: true, value: parsed.data };
    // Only when someone removed the child by hand; the root must still write a final status.
    return { ok: false, reason: `the ${child} step ended without a result` };
  }

  /** The poll policy of a step that waits; a step without one does not wait. */
  pollPolicy(step: Step): PollPolicy {
    const { poll } = this.table.steps[step];
    if (!poll) throw new Error(`${this.table.label}: step ${step} has no poll policy`);
    return poll;
  }
}

/** A quarter of the time waited so far, within the step's bounds: quick answers are seen quickly. */
export function pollDelay(waitedMs: number, poll: PollPolicy): number {
  return Math.min(poll.maxMs, Math.max(poll.minMs, Math.round(waitedMs / 4)));
}

/** The BullMQ worker options of a queue: its row's locks, started by FlowWorkers (not autorun). */
export function workerOptionsFor(row: QueueRow): {
  autorun: false;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
} {
  const locks = row.locks === 'shared' ? SHARED_LOCK_POLICY : row.locks;
  return {
    autorun: false,
    lockDuration: locks.lockDurationMs,
    stalledInterval: locks.stalledIntervalMs,
    maxStalledCount: locks.maxStalledCount,
  };
}
