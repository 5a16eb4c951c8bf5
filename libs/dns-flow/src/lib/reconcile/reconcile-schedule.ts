import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DnsFlowQueues } from '../dns-flow-queues';
import { RECONCILE_SETTINGS, type ReconcileSettings } from './reconcile-settings';
import {
  RECONCILE_JOB_NAME,
  RECONCILE_SCHEDULER_ID,
  reconcileJobOptions,
  type ReconcileJobData,
} from './reconcile-job';

/**
 * Every worker replica upserts the same job scheduler at boot: BullMQ keeps one per id and adds
 * one job per interval, however many replicas there are. An interval of 0 removes it.
 */
@Injectable()
export class ReconcileSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconcileSchedule.name);

  constructor(
    private readonly queues: DnsFlowQueues,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { everyMs } = this.settings;
    if (everyMs === 0) {
      await this.queues.reconcile.removeJobScheduler(RECONCILE_SCHEDULER_ID);
      this.logger.log('reconciler schedule off');
      return;
    }
    const data: ReconcileJobData = { trigger: 'schedule' };
    await this.queues.reconcile.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: everyMs },
      { name: RECONCILE_JOB_NAME, data, opts: reconcileJobOptions() },
    );
    this.logger.log(`reconciler runs every ${everyMs / 1000} s`);
  }
}
