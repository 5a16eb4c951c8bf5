import type { PollPolicy } from '@starchart/flow-runtime/table';
import { DNS_FLOW } from './flow';
import type { QueueConfig } from './queue-config';
import { DNS_QUEUES } from './queues';
import {
  DEFAULT_EXPIRY_EVERY_MS,
  DEFAULT_EXPIRY_WARNING_DAYS,
  type ExpirySettings,
} from './expiry/expiry-settings';
import {
  DEFAULT_RECONCILE_EVERY_MS,
  DEFAULT_RECONCILE_GRACE_MS,
  type ReconcileSettings,
} from './reconcile/reconcile-settings';

export interface DnsFlowWorkerOptions {
  queue: QueueConfig;
  /** WORKER_CONCURRENCY: jobs at once per queue named; the others keep their row's. */
  concurrency: Partial<Record<string, number>>;
  /** How often check-dns-status asks Route 53 about a PENDING change, instead of its row's. */
  poll?: PollPolicy;
  /** How long after submission a change may stay PENDING before the record goes to error. */
  deadlineMs?: number;
  /** The reconciler's schedule and grace period; defaults for what is missing. */
  reconcile?: Partial<ReconcileSettings>;
  /** The expiry run's schedule and warnings; defaults for what is missing. */
  expiry?: Partial<ExpirySettings>;
}

export interface StepSettings {
  poll: PollPolicy;
  deadlineMs: number;
}

export const DEFAULT_CHANGE_DEADLINE_MS = 10 * 60_000;

export const STEP_SETTINGS = Symbol('DNS_FLOW_STEP_SETTINGS');

export function toStepSettings(options: DnsFlowWorkerOptions): StepSettings {
  return {
    poll: options.poll ?? DNS_FLOW.pollPolicy(DNS_QUEUES.checkDnsStatus),
    deadlineMs: options.deadlineMs ?? DEFAULT_CHANGE_DEADLINE_MS,
  };
}

export function toReconcileSettings(options: DnsFlowWorkerOptions): ReconcileSettings {
  return {
    everyMs: options.reconcile?.everyMs ?? DEFAULT_RECONCILE_EVERY_MS,
    graceMs: options.reconcile?.graceMs ?? DEFAULT_RECONCILE_GRACE_MS,
  };
}

export function toExpirySettings(options: DnsFlowWorkerOptions): ExpirySettings {
  return {
    everyMs: options.expiry?.everyMs ?? DEFAULT_EXPIRY_EVERY_MS,
    warningDays: options.expiry?.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
  };
}
