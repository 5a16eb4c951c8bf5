export interface ExpirySettings {
  /** How often the job scheduler starts an expiry run; 0 removes the scheduler. */
  everyMs: number;
  /** Days before expiry at which owners are warned, e.g. [30, 7]; each at most once per expiry date. */
  warningDays: readonly number[];
}

export const DEFAULT_EXPIRY_EVERY_MS = 60 * 60_000;
export const DEFAULT_EXPIRY_WARNING_DAYS: readonly number[] = [30, 7];

export const EXPIRY_SETTINGS = Symbol('DNS_FLOW_EXPIRY_SETTINGS');

/** The job scheduler's id: every worker replica upserts the same one, so one run per slot. */
export const EXPIRY_SCHEDULER_ID = 'expire-records-every';

/** What one expiry run did: the job's return value. */
export interface ExpiryReport {
  /** Records past their expiry whose delete flow this run started. */
  removed: string[];
  /** Warnings handed to the notifications, by days before expiry. */
  warned: Record<string, number>;
}
