import { Processor } from '@nestjs/bullmq';
import { DnsRecordSteps } from '../dns-record-steps.service';
import {
  checkDnsStatusResultSchema,
  type DnsRecordJobData,
  type SyncDbStatusResult,
} from '../job-data';
import { DNS_QUEUES } from '../queues';
import { readChildOutcome } from './child-outcome';
import { DnsStepProcessor, type DnsStepJob } from './dns-step.processor';
import { DNS_WORKER_OPTIONS } from '../worker-options';

/** The root: runs once both branches have settled, whether they succeeded or not. */
@Processor(DNS_QUEUES.syncDbStatus, DNS_WORKER_OPTIONS)
export class SyncDbStatusProcessor extends DnsStepProcessor<SyncDbStatusResult> {
  constructor(private readonly steps: DnsRecordSteps) {
    super();
  }

  protected async run(
    job: DnsStepJob<SyncDbStatusResult>,
    data: DnsRecordJobData,
  ): Promise<SyncDbStatusResult> {
    const check = await readChildOutcome(
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
