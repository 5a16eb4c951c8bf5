import { Inject, Injectable } from '@nestjs/common';
import { ScheduledRuns, type QueueSchedule } from '@starchart/flow-runtime';
import { CERT_STEP_SETTINGS, type CertStepSettings } from './cert-flow-options';
import { CertFlowQueues } from './cert-flow-queues';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from './queues';

/** The schedulers' ids: upserting them from every worker replica keeps one schedule each. */
export const RENEWAL_SCHEDULER_ID = 'renew-certificates';
export const RESUME_SCHEDULER_ID = 'resume-certificates';
export const ADMIT_SCHEDULER_ID = 'admit-certificates';

/**
 * The renewal run's, the safety net's and the admission run's job schedulers, upserted by every
 * worker replica at boot.
 */
@Injectable()
export class CertSchedules extends ScheduledRuns {
  constructor(
    private readonly queues: CertFlowQueues,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
  ) {
    super();
  }

  protected schedules(): QueueSchedule[] {
    const { renewCertificates, resumeCertificates, admitCertificates } = CERT_QUEUES;
    return [
      {
        label: 'certificate renewal',
        queue: this.queues.queue(renewCertificates),
        run: {
          schedulerId: RENEWAL_SCHEDULER_ID,
          everyMs: this.settings.renewEveryMs,
          row: CERT_QUEUE_REGISTRY[renewCertificates],
          data: {},
        },
      },
      {
        label: 'certificate safety net',
        queue: this.queues.queue(resumeCertificates),
        run: {
          schedulerId: RESUME_SCHEDULER_ID,
          everyMs: this.settings.resume.everyMs,
          row: CERT_QUEUE_REGISTRY[resumeCertificates],
          data: {},
        },
      },
      {
        label: 'certificate admission',
        queue: this.queues.queue(admitCertificates),
        run: {
          schedulerId: ADMIT_SCHEDULER_ID,
          everyMs: this.settings.admitEveryMs,
          row: CERT_QUEUE_REGISTRY[admitCertificates],
          data: {},
        },
      },
    ];
  }
}
