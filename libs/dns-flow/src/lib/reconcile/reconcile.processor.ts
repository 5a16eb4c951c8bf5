import { WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import {
  MalformedJobError,
  RegistryProcessor,
  runExclusively,
  toJobFailure,
} from '@starchart/flow-runtime';
import type { Job } from 'bullmq';
import type { RedisClient } from '@starchart/flow-runtime';
import { z } from 'zod';
import { WORKER_CONNECTION } from '../dns-flow-queues';
import { DNS_QUEUE_REGISTRY, RECONCILE_QUEUE } from '../queues';
import { reconcileJobDataSchema, type ReconcileReport } from './reconcile-job';
import { ReconcilerService } from './reconciler.service';

export const RECONCILE_LOCK_TTL_MS = 30_000;

/** One reconcile run per job; a run never overlaps another, from this process or any other. */
@RegistryProcessor(DNS_QUEUE_REGISTRY, RECONCILE_QUEUE)
export class ReconcileProcessor extends WorkerHost {
  constructor(
    private readonly reconciler: ReconcilerService,
    @Inject(WORKER_CONNECTION) private readonly redis: RedisClient,
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
    return runExclusively(
      job,
      token,
      this.redis,
      { name: 'reconcile-lock', ttlMs: RECONCILE_LOCK_TTL_MS, retryMs: 5_000 },
      () => this.reconciler.reconcile(),
    );
  }
}
