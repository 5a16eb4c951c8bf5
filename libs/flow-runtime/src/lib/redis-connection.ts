import { Redis } from 'ioredis';

export type RedisRole = 'worker' | 'producer';

/**
 * One connection per flow, role and process, shared by its queues (BullMQ gives each worker its
 * own blocking connection on top, duplicated from this one). Redis lists it as
 * `<client>-<role>`.
 * - worker: BullMQ requires maxRetriesPerRequest null for the blocking commands of a worker, and
 *   workers should ride out a Redis restart rather than fail their jobs.
 * - producer: a command waits for at most one reconnection attempt, so the api rides out a blip
 *   but answers 503 within a fraction of a second when Redis is away.
 */
export function createRedisConnection(redisUrl: string, role: RedisRole, client: string): Redis {
  const connectionName = `${client}-${role}`;
  return role === 'worker'
    ? new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName })
    : new Redis(redisUrl, { maxRetriesPerRequest: 1, connectionName });
}

/** quit() sends QUIT and fails on a connection that never came up; disconnect() does not. */
export async function closeRedisConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') await connection.quit();
  else connection.disconnect();
}
