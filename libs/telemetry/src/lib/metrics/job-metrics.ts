import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

/** The job states counted per queue at scrape time (completed is bounded by retention, not load). */
export const COUNTED_JOB_STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'failed',
] as const;
export type CountedJobState = (typeof COUNTED_JOB_STATES)[number];

/** Reads how many jobs each queue holds in each state; called once per scrape. */
export type JobCounter = () => Promise<
  ReadonlyArray<{ queue: string; counts: Readonly<Record<string, number>> }>
>;

/** How one attempt of a job ended, as a worker saw it. */
export type JobAttemptOutcome = 'completed' | 'retried' | 'failed';

/** Job counts per queue and state, and what happened to each attempt a worker ran. */
export class JobMetrics {
  private readonly attempts: Counter<'queue' | 'outcome'>;
  private readonly duration: Histogram<'queue' | 'outcome'>;

  constructor(registry: Registry, countJobs: JobCounter) {
    new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'Jobs in each queue by state, read from Redis when scraped',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, counts } of await countJobs()) {
          for (const state of COUNTED_JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
    this.attempts = new Counter({
      name: `${METRIC_PREFIX}job_attempts_total`,
      help: 'Job attempts a worker of this process finished: completed, retried (failed, will run again) or failed (for good)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}job_attempt_duration_seconds`,
      help: 'Processing time of one job attempt, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      // From a DB write (ms) to an ACME finalize or a Route 53 call that waits out throttling.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }

  attemptFinished(queue: string, outcome: JobAttemptOutcome, seconds: number | undefined): void {
    this.attempts.inc({ queue, outcome });
    if (seconds !== undefined) this.duration.observe({ queue, outcome }, seconds);
  }
}
