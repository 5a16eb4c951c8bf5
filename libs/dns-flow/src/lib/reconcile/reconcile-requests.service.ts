import { Injectable } from '@nestjs/common';
import type { StepState } from '@starchart/flow-runtime';
import type { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DnsFlowQueues } from '../dns-flow-queues';
import {
  RECONCILE_JOB_NAME,
  reconcileJobOptions,
  type ReconcileJobData,
  type ReconcileReport,
} from './reconcile-job';

/** One reconcile run as an admin sees it; `report` once it completed. */
export interface ReconcileRun {
  jobId: string;
  trigger: ReconcileJobData['trigger'];
  state: StepState;
  report: ReconcileReport | null;
  failedReason: string | null;
  queuedAt: Date;
  finishedAt: Date | null;
}

/** The producer side of the reconciler, for the api: asks for runs and reads their reports. */
@Injectable()
export class ReconcileRequests {
  constructor(private readonly queues: DnsFlowQueues) {}

  /** Queues a run now; it waits for a run in progress to end. Returns its job id. */
  async request(requestedBy: string): Promise<string> {
    const jobId = `reconcile-${randomUUID()}`;
    const data: ReconcileJobData = { trigger: 'admin', requestedBy };
    await this.queues.reconcile.add(RECONCILE_JOB_NAME, data, reconcileJobOptions(jobId));
    return jobId;
  }

  /** Undefined for an unknown id, or a run removed by retention. */
  async find(jobId: string): Promise<ReconcileRun | undefined> {
    const job = await this.queues.reconcile.getJob(jobId);
    return job && this.toRun(jobId, job);
  }

  /** The run that finished last, scheduled or asked for; undefined before the first. */
  async latest(): Promise<ReconcileRun | undefined> {
    // Finished runs are kept sorted by when they finished: one range read each, newest first.
    const [completed, failed] = await Promise.all([
      this.queues.reconcile.getJobs(['completed'], 0, 0, false),
      this.queues.reconcile.getJobs(['failed'], 0, 0, false),
    ]);
    const [newest] = [...completed, ...failed].sort(
      (a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0),
    );
    return newest?.id === undefined ? undefined : this.toRun(newest.id, newest);
  }

  private async toRun(
    jobId: string,
    job: Job<ReconcileJobData, ReconcileReport>,
  ): Promise<ReconcileRun> {
    return {
      jobId,
      trigger: job.data.trigger,
      state: await job.getState(),
      // A run retained from before reports carried the zone's reading has none.
      report: job.returnvalue ? { ...job.returnvalue, zone: job.returnvalue.zone ?? null } : null,
      failedReason: job.failedReason || null,
      queuedAt: new Date(job.timestamp),
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    };
  }
}
