import { RegistryProcessor } from '@starchart/flow-runtime';
import { DnsRecordSteps } from '../dns-record-steps.service';
import type { AddDbRecordResult, DnsRecordJobData } from '../job-data';
import { DNS_QUEUE_REGISTRY, DNS_QUEUES } from '../queues';
import { DnsStepProcessor } from './dns-step.processor';

@RegistryProcessor(DNS_QUEUE_REGISTRY, DNS_QUEUES.addDbRecord)
export class AddDbRecordProcessor extends DnsStepProcessor<AddDbRecordResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  protected run(_job: unknown, data: DnsRecordJobData): Promise<AddDbRecordResult> {
    return this.steps.confirmRecord(data);
  }
}
