import { WorkerHost } from '@nestjs/bullmq';
import {
  MalformedJobError,
  noticeSchema,
  RegistryProcessor,
  toJobFailure,
} from '@starchart/flow-runtime';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { NotificationSender, type DeliveryResult } from './notification-sender.service';
import { NOTIFICATION_QUEUE_REGISTRY, NOTIFICATION_QUEUES } from './queues';

/** One notice per job: a mail, unless it went out already or nobody wants it. */
@RegistryProcessor(NOTIFICATION_QUEUE_REGISTRY, NOTIFICATION_QUEUES.sendNotification)
export class SendNotificationProcessor extends WorkerHost {
  constructor(private readonly sender: NotificationSender) {
    super();
  }

  override async process(job: Job<unknown, DeliveryResult>): Promise<DeliveryResult> {
    const parsed = noticeSchema.safeParse(job.data);
    if (!parsed.success)
      throw toJobFailure(
        new MalformedJobError(`unreadable notice: ${z.prettifyError(parsed.error)}`),
      );
    return this.sender
      .deliver(parsed.data)
      .catch((error: unknown) => Promise.reject(toJobFailure(error)));
  }
}
