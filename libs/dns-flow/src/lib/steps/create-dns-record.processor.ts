import { Processor } from '@nestjs/bullmq';
import { DnsRecordSteps } from '../dns-record-steps.service';
import type { CreateDnsRecordResult, DnsRecordJobData } from '../job-data';
import { DNS_QUEUES } from '../queues';
import { DnsStepProcessor } from './dns-step.processor';
import { DNS_WORKER_OPTIONS } from '../worker-options';

@Processor(DNS_QUEUES.createDnsRecord, DNS_WORKER_OPTIONS)
export class CreateDnsRecordProcessor extends DnsStepProcessor<CreateDnsRecordResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  /** Returns the change id check-dns-status waits for. */
  protected run(_job: unknown, data: DnsRecordJobData): Promise<CreateDnsRecordResult> {
    return this.steps.applyChange(data);
  }
}
