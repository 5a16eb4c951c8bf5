import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { DnsRecordSteps } from '../dns-record-steps.service';
import {
  createDnsRecordResultSchema,
  type CheckDnsStatusResult,
  type DnsRecordJobData,
} from '../job-data';
import { DNS_QUEUE_REGISTRY, DNS_QUEUES } from '../queues';
import { DnsStepProcessor } from './dns-step.processor';

@RegistryProcessor(DNS_QUEUE_REGISTRY, DNS_QUEUES.checkDnsStatus)
export class CheckDnsStatusProcessor extends DnsStepProcessor<CheckDnsStatusResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  protected async run(
    job: StepJob<CheckDnsStatusResult>,
    data: DnsRecordJobData,
    token: string | undefined,
  ): Promise<CheckDnsStatusResult> {
    const change = await this.childValue(
      job,
      data,
      DNS_QUEUES.createDnsRecord,
      createDnsRecordResultSchema,
    );
    return this.resultOrWait(job, token, await this.steps.checkChange(change));
  }
}
