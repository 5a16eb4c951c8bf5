import { Inject, Injectable } from '@nestjs/common';
import { ScheduledRuns, type QueueSchedule } from '@starchart/flow-runtime';
import { DnsFlowQueues } from '../dns-flow-queues';
import { DNS_QUEUE_REGISTRY, EXPIRE_RECORDS_QUEUE } from '../queues';
import { EXPIRY_SCHEDULER_ID, EXPIRY_SETTINGS, type ExpirySettings } from './expiry-settings';

/**
 * The expiry run's job scheduler, upserted by every worker replica at boot. No retries: the next
 * slot comes soon, and a run's work is all conditional updates.
 */
@Injectable()
export class ExpirySchedule extends ScheduledRuns {
  constructor(
    private readonly queues: DnsFlowQueues,
    @Inject(EXPIRY_SETTINGS) private readonly settings: ExpirySettings,
  ) {
    super();
  }

  protected schedules(): QueueSchedule[] {
    const run = {
      schedulerId: EXPIRY_SCHEDULER_ID,
      everyMs: this.settings.everyMs,
      row: DNS_QUEUE_REGISTRY[EXPIRE_RECORDS_QUEUE],
      data: {},
    };
    return [{ label: 'expiry', queue: this.queues.queue(EXPIRE_RECORDS_QUEUE), run }];
  }
}
