import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { RedisClient } from '../redis-connection';
import type { QueueRow } from '../flow-table';
import { toJobFailure } from '../errors';
import { RunLock } from './run-lock';

/** A job scheduler of a library's registry: one job per interval for the whole deployment. */
export interface ScheduledRun {
  /** The scheduler's id: every replica upserting the same id keeps one schedule. */
  schedulerId: string;
  /** 0 removes the scheduler. */
  everyMs: number;
  /** The registry row of the scheduler's queue: its job name and retention. */
  row: QueueRow;
  data: object;
  /** Retries of a run; none by default (the next slot comes soon). */
  retry?: Pick<JobsOptions, 'attempts' | 'backoff'>;
}

/** The options of a run's job, scheduled or asked for: its retries and its row's retention. */
export function scheduledRunOptions(
  run: Pick<ScheduledRun, 'row' | 'retry'>,
): Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'> {
  return {
    ...run.retry,
    removeOnComplete: run.row.retention.completed,
    removeOnFail: run.row.retention.failed,
  };
}

/**
 * Every worker replica calls this at boot with the same id: BullMQ keeps one scheduler per id
 * and adds one job per interval, however many replicas there are. Returns whether it is on.
 */
export async function upsertScheduledRun(queue: Queue, run: ScheduledRun): Promise<boolean> {
  if (run.everyMs === 0) {
    await queue.removeJobScheduler(run.schedulerId);
    return false;
  }
  await queue.upsertJobScheduler(
    run.schedulerId,
    { every: run.everyMs },
    { name: run.row.jobName, data: run.data, opts: scheduledRunOptions(run) },
  );
  return true;
}

/** One of a library's job schedulers: what its log line calls it, its queue and its run. */
export interface QueueSchedule {
  label: string;
  queue: Queue;
  run: ScheduledRun;
}

/**
 * The job schedulers of a library, upserted at boot by every worker replica (one job per slot
 * in all, see upsertScheduledRun), each logged as on or off. A library lists them in a subclass.
 */
export abstract class ScheduledRuns implements OnApplicationBootstrap {
  private readonly logger = new Logger(this.constructor.name);

  protected abstract schedules(): QueueSchedule[];

  async onApplicationBootstrap(): Promise<void> {
    for (const { label, queue, run } of this.schedules()) {
      const on = await upsertScheduledRun(queue, run);
      this.logger.log(on ? `${label} runs every ${run.everyMs / 1000} s` : `${label} schedule off`);
    }
  }
}

/** A lock that keeps the runs of one queue from overlapping across every worker process. */
export interface RunLockSettings {
  /** The lock's key beside the queue's own keys: `<prefix>:<name>`. */
  name: string;
  ttlMs: number;
  /** How long a run that finds the lock taken waits, without spending an attempt. */
  retryMs: number;
}

/**
 * Runs `work` for `job` under a Redis lock that one run holds at a time, from this process or
 * any other; a run that finds it taken moves itself to delayed and runs later. Errors become job
 * failures (toJobFailure).
 */
export async function runExclusively<T>(
  job: Job,
  token: string | undefined,
  redis: RedisClient,
  lock: RunLockSettings,
  work: () => Promise<T>,
): Promise<T> {
  const runLock = new RunLock(redis, `${job.prefix}:${lock.name}`, lock.ttlMs);
  const ran = await runLock
    .runExclusive(job.id ?? job.name, work)
    .catch((error: unknown) => Promise.reject(toJobFailure(error)));
  if (ran) return ran.value;
  await job.moveToDelayed(Date.now() + lock.retryMs, token);
  throw new DelayedError();
}
