import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import { CertFlowQueues } from '../cert-flow-queues';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';

/** The scheduler's id: upserting it from every worker replica keeps one schedule. */
export const RENEWAL_SCHEDULER_ID = 'renew-certificates';

/**
 * Every worker replica upserts the same job scheduler at boot: BullMQ keeps one per id and adds
 * one renewal run per interval, however many replicas there are. A run is not retried (the next
 * slot comes soon) and is kept as its registry row says.
 */
@Injectable()
export class RenewalSchedule implements OnApplicationBootstrap {
  constructor(
    private readonly queues: CertFlowQueues,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const row = CERT_QUEUE_REGISTRY[CERT_QUEUES.renewCertificates];
    await this.queues.queue(CERT_QUEUES.renewCertificates).upsertJobScheduler(
      RENEWAL_SCHEDULER_ID,
      { every: this.settings.renewEveryMs },
      {
        name: row.jobName,
        data: {},
        opts: { removeOnComplete: row.retention.completed, removeOnFail: row.retention.failed },
      },
    );
  }
}
