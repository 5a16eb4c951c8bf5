import type { QueueConfig } from './queue-config';
import { DNS_QUEUES, type DnsQueueName } from './queues';
import {
  DEFAULT_RECONCILE_EVERY_MS,
  DEFAULT_RECONCILE_GRACE_MS,
  type ReconcileSettings,
} from './reconcile/reconcile-settings';

export interface PollInterval {
  min: number;
  max: number;
}

export interface DnsFlowWorkerOptions {
  queue: QueueConfig;
  /** Jobs processed at once per queue in this process; missing queues get DEFAULT_CONCURRENCY. */
  concurrency: Partial<Record<DnsQueueName, number>>;
  /** How often check-dns-status asks Route 53 about a PENDING change. */
  pollIntervalMs?: PollInterval;
  /** How long after submission a change may stay PENDING before the record goes to error. */
  deadlineMs?: number;
  /** The reconciler's schedule and grace period; defaults for what is missing. */
  reconcile?: Partial<ReconcileSettings>;
}

export interface StepSettings {
  concurrency: Record<DnsQueueName, number>;
  pollIntervalMs: PollInterval;
  deadlineMs: number;
}

// A create-dns-record job waits for its shared batch, so a process batches at most as many
// changes as it has slots; check-dns-status sleeps in the delayed set. Both hold no CPU while
// they wait, so they get many slots. Each database step holds a pooled connection: together
// they stay under the default DATABASE_POOL_SIZE (10), leaving room for the reconciler.
export const DEFAULT_CONCURRENCY: Readonly<Record<DnsQueueName, number>> = {
  [DNS_QUEUES.addDbRecord]: 4,
  [DNS_QUEUES.createDnsRecord]: 512,
  [DNS_QUEUES.checkDnsStatus]: 512,
  [DNS_QUEUES.syncDbStatus]: 4,
};

// A change usually reaches INSYNC within a minute: poll fast at first, then back off.
export const DEFAULT_POLL_INTERVAL_MS: Readonly<PollInterval> = { min: 250, max: 2_000 };
export const DEFAULT_CHANGE_DEADLINE_MS = 10 * 60_000;

/**
 * The BullMQ worker options of every DNS flow processor (started by DnsFlowWorkers, not autorun).
 * A crashed worker's jobs stay active until their lock expires and a stall check finds them, 30 s
 * each by default: short locks (renewed every lockDuration / 2 while a job runs) bring them back
 * within seconds. Every step is idempotent, so a job caught by several crashes may stall again.
 */
export const DNS_WORKER_OPTIONS = {
  autorun: false,
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 5,
} as const;

export const STEP_SETTINGS = Symbol('DNS_FLOW_STEP_SETTINGS');

export function toStepSettings(options: DnsFlowWorkerOptions): StepSettings {
  return {
    concurrency: { ...DEFAULT_CONCURRENCY, ...options.concurrency },
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    deadlineMs: options.deadlineMs ?? DEFAULT_CHANGE_DEADLINE_MS,
  };
}

export function toReconcileSettings(options: DnsFlowWorkerOptions): ReconcileSettings {
  return {
    everyMs: options.reconcile?.everyMs ?? DEFAULT_RECONCILE_EVERY_MS,
    graceMs: options.reconcile?.graceMs ?? DEFAULT_RECONCILE_GRACE_MS,
  };
}
