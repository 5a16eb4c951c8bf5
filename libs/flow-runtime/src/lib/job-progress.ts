import type { Queue } from 'bullmq';
import type { FlowDefinition } from './flow-table';

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

/** One job of a flow, as the api shows it: its step and where it stands. */
export type FlowStepProgress<Step extends string> = JobProgress & { step: Step };

/**
 * Every job of the flow that `flowId` names, root first, each read from its step's queue; []
 * when the row has no flow or the id is not one this flow makes.
 */
export async function readFlowSteps<Step extends string, Key, Data>(
  flow: FlowDefinition<Step, Key, Data>,
  queueOf: (step: Step) => Queue,
  flowId: string | null,
): Promise<FlowStepProgress<Step>[]> {
  const key = flowId ? flow.parseFlowId(flowId) : undefined;
  if (key === undefined) return [];
  const ids = flow.jobIds(key);
  return Promise.all(
    flow.stepNames.map(async (step) => ({
      step,
      ...(await readJobProgress(queueOf(step), ids[step])),
    })),
  );
}
