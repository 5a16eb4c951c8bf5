import { Inject, Injectable } from '@nestjs/common';
import {
  FlowQueues,
  flowJobOptions,
  noticeId,
  type Notice,
  type NoticeSink,
  type QueueConnectionConfig,
} from '@starchart/flow-runtime';
import {
  NOTIFICATION_QUEUE_REGISTRY,
  NOTIFICATION_QUEUES,
  type NotificationRegistryQueue,
} from './queues';
import type { NotificationConfig } from './notification-config';

/** How this lib's connections show in Redis CLIENT LIST. */
export const NOTIFICATION_REDIS_CLIENT = 'starchart-notifications';
/** Token of the workers' Redis connection. */
export const NOTIFICATION_WORKER_CONNECTION = Symbol('NOTIFICATION_WORKER_CONNECTION');
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

/** The producer's handle of the send-notification queue. */
export class NotificationQueues extends FlowQueues<NotificationRegistryQueue> {
  static open(config: QueueConnectionConfig): NotificationQueues {
    return new NotificationQueues(NOTIFICATION_QUEUE_REGISTRY, config, NOTIFICATION_REDIS_CLIENT);
  }
}

/**
 * The NoticeSink of the worker: one send-notification job per notice, its id the notice's, so
 * that the same event noticed twice adds one job (BullMQ ignores an add whose id exists).
 */
@Injectable()
export class NotificationsService implements NoticeSink {
  constructor(
    private readonly queues: NotificationQueues,
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
  ) {}

  async notify(notice: Notice): Promise<void> {
    const queue = NOTIFICATION_QUEUES.sendNotification;
    const row = NOTIFICATION_QUEUE_REGISTRY[queue];
    const options = flowJobOptions({
      jobId: noticeId(notice),
      retry: this.config.retry,
      retention: row.retention,
      isRoot: true,
    });
    await this.queues.queue(queue).add(`${row.jobName}:${notice.kind}`, notice, options);
  }
}
