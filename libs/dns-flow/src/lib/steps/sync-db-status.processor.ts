import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { DnsRecordSteps } from '../dns-record-steps.service';
import {
  checkDnsStatusResultSchema,
  type DnsRecordJobData,
  type SyncDbStatusResult,
} from '../job-data';
import { DNS_QUEUE_REGISTRY, DNS_QUEUES } from '../queues';
import { DnsStepProcessor } from './dns-step.processor';

/** The root: runs once both branches have settled, whether they succeeded or not. */
@RegistryProcessor(DNS_QUEUE_REGISTRY, DNS_QUEUES.syncDbStatus)
export class SyncDbStatusProcessor extends DnsStepProcessor<SyncDbStatusResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  protected async run(
    job: StepJob<SyncDbStatusResult>,
    data: DnsRecordJobData,
  ): Promise<SyncDbStatusResult> {
    const check = await this.childOutcome(
      job,
      data,
      DNS_QUEUES.checkDnsStatus,
      checkDnsStatusResultSchema,
    );
    return this.steps.syncStatus(
      data,
      check.ok ? { ok: true, changeId: check.value.changeId } : check,
    );
  }
}
