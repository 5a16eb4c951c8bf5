import { Processor } from '@nestjs/bullmq';
import { DnsRecordSteps } from '../dns-record-steps.service';
import type { AddDbRecordResult, DnsRecordJobData } from '../job-data';
import { DNS_QUEUES } from '../queues';
import { DnsStepProcessor } from './dns-step.processor';
import { DNS_WORKER_OPTIONS } from '../worker-options';

// autorun off: DnsFlowWorkers sets the concurrency, then starts every worker at once.
@Processor(DNS_QUEUES.addDbRecord, DNS_WORKER_OPTIONS)
export class AddDbRecordProcessor extends DnsStepProcessor<AddDbRecordResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  protected run(_job: unknown, data: DnsRecordJobData): Promise<AddDbRecordResult> {
    return this.steps.confirmRecord(data);
  }
}
