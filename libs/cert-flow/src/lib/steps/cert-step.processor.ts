import { WorkerHost } from '@nestjs/bullmq';
import { toJobFailure } from '@starchart/flow-runtime';
import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import type { WaitCheck } from '../certificate-steps.service';
import { DependencyFailedError, MalformedJobError } from '../errors';
import { certChildJobKey, certFlowJobIds } from '../flow';
import { certJobDataSchema, type CertJobData } from '../job-data';
import type { CertFlowStep } from '../queues';

export type CertStepJob<Result> = Job<unknown, Result>;

export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * The part every step processor shares: parse the payload, read the child's result, turn a
 * failure no retry can fix into UnrecoverableError, and wait without spending attempts.
 */
export abstract class CertStepProcessor<Result> extends WorkerHost {
  override async process(job: CertStepJob<Result>, token?: string): Promise<Result> {
    try {
      return await this.run(job, parseJobData(job.data), token);
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      throw toJobFailure(error);
    }
  }

  protected abstract run(
    job: CertStepJob<Result>,
    data: CertJobData,
    token: string | undefined,
  ): Promise<Result>;

  /** The child's value, or the reason it failed for good (it ran with ignoreDependencyOnFailure). */
  protected async childOutcome<T>(
    job: Job,
    data: CertJobData,
    child: CertFlowStep,
    schema: z.ZodType<T>,
  ): Promise<ChildOutcome<T>> {
    const key = certChildJobKey(job.prefix, child, certFlowJobIds(data)[child]);
    const reason = (await job.getIgnoredChildrenFailures())[key];
    if (reason !== undefined) return { ok: false, reason };
    const parsed = schema.safeParse((await job.getChildrenValues())[key]);
    if (parsed.success) return { ok: true, value: parsed.data };
    // Only when someone removed the child by hand; the root must still write a final status.
    return { ok: false, reason: `the ${child} step ended without a result` };
  }

  /** The child's value; a failed child fails this step with the same reason. */
  protected async childValue<T>(
    job: Job,
    data: CertJobData,
    child: CertFlowStep,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const outcome = await this.childOutcome(job, data, child, schema);
    if (!outcome.ok) throw new DependencyFailedError(outcome.reason);
    return outcome.value;
  }

  /** Waiting is not failing: a job moved to delayed keeps its attempts for real errors. */
  protected async resultOrWait<T>(
    job: Job,
    token: string | undefined,
    check: WaitCheck<T>,
  ): Promise<T> {
    if (check.done) return check.result;
    await job.moveToDelayed(Date.now() + check.retryInMs, token);
    throw new DelayedError();
  }
}

function parseJobData(data: unknown): CertJobData {
  const parsed = certJobDataSchema.safeParse(data);
  if (!parsed.success)
    throw new MalformedJobError(`unreadable job data: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
