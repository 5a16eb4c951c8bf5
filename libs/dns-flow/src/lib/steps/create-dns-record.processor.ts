import { RegistryProcessor } from '@starchart/flow-runtime';
import { DnsRecordSteps } from '../dns-record-steps.service';
import type { CreateDnsRecordResult, DnsRecordJobData } from '../job-data';
import { DNS_QUEUE_REGISTRY, DNS_QUEUES } from '../queues';
import { DnsStepProcessor } from './dns-step.processor';

@RegistryProcessor(DNS_QUEUE_REGISTRY, DNS_QUEUES.createDnsRecord)
export class CreateDnsRecordProcessor extends DnsStepProcessor<CreateDnsRecordResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  /** Returns the change id check-dns-status waits for. */
  protected run(_job: unknown, data: DnsRecordJobData): Promise<CreateDnsRecordResult> {
    return this.steps.applyChange(data);
  }
}
