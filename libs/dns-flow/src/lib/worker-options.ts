import type { Route53Config } from '@starchart/route53';
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
  route53: Route53Config;
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

// Route 53 steps mostly wait on the network (and share one rate limit through batching);
// the database steps hold a pooled connection each, so they get fewer slots.
export const DEFAULT_CONCURRENCY: Readonly<Record<DnsQueueName, number>> = {
  [DNS_QUEUES.addDbRecord]: 8,
  [DNS_QUEUES.createDnsRecord]: 16,
  [DNS_QUEUES.checkDnsStatus]: 16,
  [DNS_QUEUES.syncDbStatus]: 8,
};

// A change usually reaches INSYNC within a minute: poll fast at first, then back off.
export const DEFAULT_POLL_INTERVAL_MS: Readonly<PollInterval> = { min: 250, max: 2_000 };
export const DEFAULT_CHANGE_DEADLINE_MS = 10 * 60_000;

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
