import { WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { MalformedJobError, RegistryProcessor, toJobFailure } from '@starchart/flow-runtime';
import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { WORKER_CONNECTION } from '../dns-flow-queues';
import { DNS_QUEUE_REGISTRY, RECONCILE_QUEUE } from '../queues';
import { reconcileJobDataSchema, type ReconcileReport } from './reconcile-job';
import { ReconcilerService } from './reconciler.service';
import { RunLock } from './run-lock';

export const RECONCILE_LOCK_TTL_MS = 30_000;
// A run that finds another in progress waits this long, without spending an attempt.
const LOCKED_RETRY_MS = 5_000;

/** One reconcile run per job; a run never overlaps another, from this process or any other. */
@RegistryProcessor(DNS_QUEUE_REGISTRY, RECONCILE_QUEUE)
export class ReconcileProcessor extends WorkerHost {
  constructor(
    private readonly reconciler: ReconcilerService,
    @Inject(WORKER_CONNECTION) private readonly redis: Redis,
  ) {
    super();
  }

  override async process(
    job: Job<unknown, ReconcileReport>,
    token?: string,
  ): Promise<ReconcileReport> {
    const parsed = reconcileJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      throw toJobFailure(
        new MalformedJobError(`unreadable job data: ${z.prettifyError(parsed.error)}`),
      );
    }
    // Beside the queue's own keys, so that every process of one deployment shares it.
    const lock = new RunLock(this.redis, `${job.prefix}:reconcile-lock`, RECONCILE_LOCK_TTL_MS);
    const ran = await lock
      .runExclusive(job.id ?? job.name, () => this.reconciler.reconcile())
      .catch((error: unknown) => Promise.reject(toJobFailure(error)));
    if (ran) return ran.value;
    await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
    throw new DelayedError();
  }
}
