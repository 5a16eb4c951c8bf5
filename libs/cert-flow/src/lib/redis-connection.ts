import { Redis } from 'ioredis';
import type { CertQueueConfig } from './cert-flow-options';

/**
 * One connection per role and process, shared by its queues.
 * - worker: BullMQ requires maxRetriesPerRequest null for a worker's blocking commands.
 * - producer: a command waits for at most one reconnection, so the api answers 503 quickly.
 */
export function createCertRedisConnection(
  config: CertQueueConfig,
  role: 'worker' | 'producer',
): Redis {
  return role === 'worker'
    ? new Redis(config.redisUrl, {
        maxRetriesPerRequest: null,
        connectionName: 'starchart-cert-worker',
      })
    : new Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        connectionName: 'starchart-cert-producer',
      });
}

/** quit() sends QUIT and fails on a connection that never came up; disconnect() does not. */
export async function closeCertRedisConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') await connection.quit();
  else connection.disconnect();
}
