import type { Cluster, Redis } from 'ioredis';

/**
 * Makes Redis lose one job as a crash (AOF everysec), a partial restore or a key deleted by hand
 * would: its hash and its place in the queue's lists and sets are gone, while its parent still
 * lists it among its dependencies. BullMQ's own removal would take that dependency too.
 */
export async function loseJob(
  redis: Redis | Cluster,
  { prefix, queue, jobId }: { prefix: string; queue: string; jobId: string },
): Promise<void> {
  const key = (suffix: string): string => `${prefix}:${queue}:${suffix}`;
  // One slot on a Redis Cluster too: every key carries the prefix's hash tag.
  await redis
    .multi()
    .del(key(jobId), key(`${jobId}:logs`), key(`${jobId}:lock`))
    .lrem(key('wait'), 0, jobId)
    .lrem(key('paused'), 0, jobId)
    .lrem(key('active'), 0, jobId)
    .zrem(key('delayed'), jobId)
    .zrem(key('prioritized'), jobId)
    .zrem(key('waiting-children'), jobId)
    .exec();
}
