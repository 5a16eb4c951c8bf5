import { Processor } from '@nestjs/bullmq';
import { DelayedError } from 'bullmq';
import { DnsRecordSteps } from '../dns-record-steps.service';
import { DependencyFailedError } from '../errors';
import {
  createDnsRecordResultSchema,
  type CheckDnsStatusResult,
  type DnsRecordJobData,
} from '../job-data';
import { DNS_QUEUES } from '../queues';
import { readChildOutcome } from './child-outcome';
import { DnsStepProcessor, type DnsStepJob } from './dns-step.processor';
import { DNS_WORKER_OPTIONS } from '../worker-options';

@Processor(DNS_QUEUES.checkDnsStatus, DNS_WORKER_OPTIONS)
export class CheckDnsStatusProcessor extends DnsStepProcessor<CheckDnsStatusResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  protected async run(
    job: DnsStepJob<CheckDnsStatusResult>,
    data: DnsRecordJobData,
    token: string | undefined,
  ): Promise<CheckDnsStatusResult> {
    const change = await readChildOutcome(
      job,
      data,
      DNS_QUEUES.createDnsRecord,
      createDnsRecordResultSchema,
    );
    if (!change.ok) throw new DependencyFailedError(change.reason);
    const check = await this.steps.checkChange(change.value);
    if (check.status === 'INSYNC') return check.result;
    // Waiting is not failing: a job moved to delayed keeps its attempts for real errors.
    await job.moveToDelayed(Date.now() + check.retryInMs, token);
    throw new DelayedError();
  }
}
