import { Inject, Injectable } from '@nestjs/common';
import { ScheduledRuns, type QueueSchedule } from '@starchart/flow-runtime';
import { DnsFlowQueues } from '../dns-flow-queues';
import { RECONCILE_RUN } from './reconcile-job';
import { RECONCILE_SETTINGS, type ReconcileSettings } from './reconcile-settings';

/** The reconciler's job scheduler, upserted by every worker replica at boot. */
@Injectable()
export class ReconcileSchedule extends ScheduledRuns {
  constructor(
    private readonly queues: DnsFlowQueues,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
  ) {
    super();
  }

  protected schedules(): QueueSchedule[] {
    const run = { ...RECONCILE_RUN, everyMs: this.settings.everyMs };
    return [{ label: 'reconciler', queue: this.queues.reconcile, run }];
  }
}
