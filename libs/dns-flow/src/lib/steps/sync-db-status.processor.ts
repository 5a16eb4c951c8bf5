import { Inject, Optional } from '@nestjs/common';
import {
  NOTICE_SINK,
  RegistryProcessor,
  type NoticeSink,
  type StepJob,
} from '@starchart/flow-runtime';
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
  constructor(
    private readonly steps: DnsRecordSteps,
    @Optional() @Inject(NOTICE_SINK) private readonly notices?: NoticeSink,
  ) {
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
    const result = await this.steps.syncStatus(
      data,
      check.ok ? { ok: true, changeId: check.value.changeId } : check,
    );
    // After the write: a retry after a failed notify writes the same status again and notifies
    // with the same id, so the owner hears of this version's failure once.
    if (result.outcome === 'error' && this.notices) {
      await this.notices.notify({
        kind: 'record-failed',
        username: data.username,
        recordId: data.recordId,
        fqdn: data.fqdn,
        type: data.type,
        version: data.version,
        reason: result.reason ?? 'unknown',
      });
    }
    return result;
  }
}
