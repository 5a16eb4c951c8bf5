import type { Queue } from 'bullmq';

export type StepState =
  | 'waiting'
  | 'waiting-children'
  | 'delayed'
  | 'active'
  | 'completed'
  | 'failed'
  | 'prioritized'
  | 'unknown';

/** Where one job of a flow stands. */
export interface JobProgress {
  jobId: string;
  state: StepState;
  attempts: number;
  failedReason: string | null;
  returnValue: unknown;
  processedAt: Date | null;
  finishedAt: Date | null;
}

export async function readJobProgress(queue: Queue, jobId: string): Promise<JobProgress> {
  const job = await queue.getJob(jobId);
  if (!job) {
    // Removed by retention, or not added yet.
    return {
      jobId,
      state: 'unknown',
      attempts: 0,
      failedReason: null,
      returnValue: null,
      processedAt: null,
      finishedAt: null,
    };
  }
  return {
    jobId,
    state: await job.getState(),
    attempts: job.attemptsMade,
    failedReason: job.failedReason || null,
    returnValue: job.returnvalue ?? null,
    processedAt: job.processedOn ? new Date(job.processedOn) : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}
