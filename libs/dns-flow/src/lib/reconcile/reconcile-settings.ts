export interface ReconcileSettings {
  /** How often the job scheduler starts a run; 0 removes the scheduler. */
  everyMs: number;
  /** How long a pending or deleting record may go without a live flow before its flow is resumed. */
  graceMs: number;
}

export const DEFAULT_RECONCILE_EVERY_MS = 5 * 60_000;
// Longer than a flow takes to be added after the api's commit, and than a Redis failover.
export const DEFAULT_RECONCILE_GRACE_MS = 2 * 60_000;

export const RECONCILE_SETTINGS = Symbol('DNS_FLOW_RECONCILE_SETTINGS');
