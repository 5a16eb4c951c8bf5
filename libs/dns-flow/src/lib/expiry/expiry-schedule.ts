import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DnsFlowQueues } from '../dns-flow-queues';
import { DNS_QUEUE_REGISTRY, EXPIRE_RECORDS_QUEUE } from '../queues';
import { EXPIRY_SCHEDULER_ID, EXPIRY_SETTINGS, type ExpirySettings } from './expiry-settings';

/**
 * Every worker replica upserts the same job scheduler at boot: BullMQ keeps one per id and adds
 * one expiry run per interval, however many replicas there are. An interval of 0 removes it.
 */
@Injectable()
export class ExpirySchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ExpirySchedule.name);

  constructor(
    private readonly queues: DnsFlowQueues,
    @Inject(EXPIRY_SETTINGS) private readonly settings: ExpirySettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.queues.queue(EXPIRE_RECORDS_QUEUE);
    if (this.settings.everyMs === 0) {
      await queue.removeJobScheduler(EXPIRY_SCHEDULER_ID);
      this.logger.log('expiry schedule off');
      return;
    }
    const row = DNS_QUEUE_REGISTRY[EXPIRE_RECORDS_QUEUE];
    await queue.upsertJobScheduler(
      EXPIRY_SCHEDULER_ID,
      { every: this.settings.everyMs },
      {
        name: row.jobName,
        data: {},
        // No retries: the next slot comes soon, and a run's work is all conditional updates.
        opts: { removeOnComplete: row.retention.completed, removeOnFail: row.retention.failed },
      },
    );
    this.logger.log(`expiry runs every ${this.settings.everyMs / 1000} s`);
  }
}
