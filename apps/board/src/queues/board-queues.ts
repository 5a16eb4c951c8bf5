import { CERT_QUEUE_REGISTRY } from '@starchart/cert-flow/queues';
import { DNS_QUEUE_REGISTRY } from '@starchart/dns-flow/queues';
import { NOTIFICATION_QUEUE_REGISTRY } from '@starchart/notifications/queues';
import { Queue } from 'bullmq';
import type { RedisClient } from '@starchart/flow-runtime/redis';

// The only place the board learns which queues exist: every flow lib exports its registry and
// is listed here once, so a queue added to a lib appears on the board without a board change.
const FLOW_QUEUE_REGISTRIES = [
  Object.keys(DNS_QUEUE_REGISTRY),
  Object.keys(CERT_QUEUE_REGISTRY),
  Object.keys(NOTIFICATION_QUEUE_REGISTRY),
] as const;

export class DuplicateQueueNameError extends Error {
  readonly retryable = false;

  constructor(readonly queueName: string) {
    super(`queue "${queueName}" is registered by more than one flow lib`);
    this.name = 'DuplicateQueueNameError';
  }
}

/** Every queue of every flow lib, in registry order; two libs claiming one name is a bug. */
export function boardQueueNames(
  registries: ReadonlyArray<readonly string[]> = FLOW_QUEUE_REGISTRIES,
): readonly string[] {
  const names = registries.flat();
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DuplicateQueueNameError(name);
    seen.add(name);
  }
  return names;
}

/**
 * One BullMQ Queue per registered queue, all on the given connection: a Queue never blocks, so
 * sharing one client costs nothing, and the prefix must be the workers' own or the board sees
 * empty queues.
 */
export function openBoardQueues(connection: RedisClient, prefix: string): Queue[] {
  return boardQueueNames().map((name) => new Queue(name, { connection, prefix }));
}
