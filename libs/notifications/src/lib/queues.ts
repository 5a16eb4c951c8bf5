import { HOUR_S, type QueueRegistry } from '@starchart/flow-runtime/table';

/**
 * The notifications' queue. Renaming it strands the jobs already in Redis under the old name:
 * add the new one and drain the old one instead.
 */
export const NOTIFICATION_QUEUES = { sendNotification: 'send-notification' } as const;
export type NotificationQueueName = (typeof NOTIFICATION_QUEUES)[keyof typeof NOTIFICATION_QUEUES];

/**
 * Every queue this lib owns: what the board shows, the producer opens and the worker must
 * process. A mail server takes a mail in well under a second; a few at once per process is plenty
 * and keeps a burst from looking like spam. A job failed for good (the server refused the mail)
 * is what an operator investigates, so it stays for a month.
 */
export const NOTIFICATION_QUEUE_REGISTRY = {
  [NOTIFICATION_QUEUES.sendNotification]: {
    jobName: 'sendNotification',
    concurrency: 4,
    locks: 'shared',
    retention: {
      completed: { age: 7 * 24 * HOUR_S, count: 10_000 },
      failed: { age: 30 * 24 * HOUR_S, count: 10_000 },
    },
  },
} as const satisfies QueueRegistry;
export type NotificationRegistryQueue = keyof typeof NOTIFICATION_QUEUE_REGISTRY;
