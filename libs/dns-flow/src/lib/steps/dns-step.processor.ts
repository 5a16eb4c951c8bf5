import { WorkerHost } from '@nestjs/bullmq';
import { toJobFailure } from '@starchart/flow-runtime';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { MalformedJobError } from '../errors';
import { dnsRecordJobDataSchema, type DnsRecordJobData } from '../job-data';

export type DnsStepJob<Result> = Job<unknown, Result>;

/**
 * The part every step processor shares: parse the payload, and turn a failure that no retry can
 * fix into UnrecoverableError so BullMQ skips the remaining attempts.
 */
export abstract class DnsStepProcessor<Result> extends WorkerHost {
  override async process(job: DnsStepJob<Result>, token?: string): Promise<Result> {
    try {
      return await this.run(job, parseJobData(job.data), token);
    } catch (error) {
      throw toJobFailure(error);
    }
  }

  protected abstract run(
    job: DnsStepJob<Result>,
    data: DnsRecordJobData,
    token: string | undefined,
  ): Promise<Result>;
}

function parseJobData(data: unknown): DnsRecordJobData {
  const parsed = dnsRecordJobDataSchema.safeParse(data);
  if (!parsed.success)
    throw new MalformedJobError(`unreadable job data: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
