import { WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import { DependencyFailedError, MalformedJobError, toJobFailure } from './errors';
import type { ChildOutcome, FlowDefinition } from './flow-table';

export type StepJob<Result> = Job<unknown, Result>;

/** What a waiting step does next. */
export type WaitCheck<T> = { done: true; result: T } | { done: false; retryInMs: number };

/**
 * The part every step processor of every flow shares: parse the payload where the job is
 * consumed, read the children's results, wait without spending attempts, and turn a failure no
 * retry can fix into UnrecoverableError so BullMQ skips the remaining attempts. Each flow lib
 * names its flow and payload schema once, in a subclass its steps extend.
 */
export abstract class StepProcessor<Step extends string, Key, Data, Result> extends WorkerHost {
  protected abstract readonly flow: FlowDefinition<Step, Key, Data>;
  protected abstract readonly dataSchema: z.ZodType<Data>;

  override async process(job: StepJob<Result>, token?: string): Promise<Result> {
    try {
      return await this.run(job, this.parseData(job.data), token);
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      throw toJobFailure(error);
    }
  }

  protected abstract run(
    job: StepJob<Result>,
    data: Data,
    token: string | undefined,
  ): Promise<Result>;

  /** The child's value, or the reason it failed for good. */
  protected childOutcome<T>(
    job: Job,
    data: Data,
    child: Step,
    schema: z.ZodType<T>,
  ): Promise<ChildOutcome<T>> {
    return this.flow.childOutcome(job, data, child, schema);
  }

  /** The child's value; a failed child fails this step with the same reason. */
  protected async childValue<T>(
    job: Job,
    data: Data,
    child: Step,
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

  private parseData(data: unknown): Data {
    const parsed = this.dataSchema.safeParse(data);
    if (!parsed.success)
      throw new MalformedJobError(`unreadable job data: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}
