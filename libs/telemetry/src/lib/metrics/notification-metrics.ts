import { Counter, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

/**
 * How a notice ended, as its send-notification job reports it: `sent` (mailed), `already-sent`
 * (a repeated job: nothing mailed again), `skipped` (the person turned the kind off, or has no
 * address), `failed` (for good: the mail server refused it). Temporary failures are retries,
 * counted in `starchart_job_attempts_total{queue="send-notification",outcome="retried"}`.
 */
export const NOTICE_OUTCOMES = ['sent', 'already-sent', 'skipped', 'failed'] as const;
export type NoticeOutcome = (typeof NOTICE_OUTCOMES)[number];

/** Notices settled by this process's workers, by kind and outcome. */
export class NotificationMetrics {
  private readonly notices: Counter<'kind' | 'outcome'>;

  constructor(registry: Registry, kinds: readonly string[]) {
    this.notices = new Counter({
      name: `${METRIC_PREFIX}notifications_total`,
      help: 'Notices settled, by kind and outcome: sent, already-sent (a repeat, nothing mailed), skipped (turned off or no address), failed (refused for good)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    // Every series from the start, so that increase() sees the first of each.
    for (const kind of kinds)
      for (const outcome of NOTICE_OUTCOMES) this.notices.inc({ kind, outcome }, 0);
  }

  noticeSettled(kind: string, outcome: NoticeOutcome): void {
    this.notices.inc({ kind, outcome });
  }
}
