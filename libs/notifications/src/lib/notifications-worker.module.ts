import { type DynamicModule, Module } from '@nestjs/common';
import { flowWorkerModule, NOTICE_SINK, type QueueConnectionConfig } from '@starchart/flow-runtime';
import type { NotificationConfig } from './notification-config';
import {
  NOTIFICATION_CONFIG,
  NOTIFICATION_REDIS_CLIENT,
  NOTIFICATION_WORKER_CONNECTION,
  NotificationQueues,
  NotificationsService,
} from './notification-queues';
import { NotificationSender } from './notification-sender.service';
import { NOTIFICATION_QUEUE_REGISTRY } from './queues';
import { SendNotificationProcessor } from './send-notification.processor';

export interface NotificationsWorkerOptions {
  queue: QueueConnectionConfig;
  concurrency: Partial<Record<string, number>>;
  config: NotificationConfig;
}

/**
 * The send-notification processor, on the worker module generated from the registry, and the
 * app's NoticeSink (global: the flow libs' processors inject NOTICE_SINK without importing this
 * lib). Importing it starts a worker, so only apps/worker (and tests) import it.
 */
@Module({})
export class NotificationsWorkerModule {
  static forRoot(options: NotificationsWorkerOptions): DynamicModule {
    const module = flowWorkerModule({
      module: NotificationsWorkerModule,
      label: 'notifications',
      registry: NOTIFICATION_QUEUE_REGISTRY,
      queue: options.queue,
      redisClient: NOTIFICATION_REDIS_CLIENT,
      connectionToken: NOTIFICATION_WORKER_CONNECTION,
      concurrency: options.concurrency,
      providers: [
        { provide: NOTIFICATION_CONFIG, useValue: options.config },
        { provide: NotificationQueues, useFactory: () => NotificationQueues.open(options.queue) },
        NotificationsService,
        { provide: NOTICE_SINK, useExisting: NotificationsService },
        NotificationSender,
        SendNotificationProcessor,
      ],
      exports: [NOTICE_SINK],
    });
    return { ...module, global: true };
  }
}
