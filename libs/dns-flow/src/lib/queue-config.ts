import type { Telemetry } from 'bullmq';
import { z } from 'zod';

/** Environment fragment of every app that produces or processes DNS flow jobs. */
export const queueEnvSchema = z.object({
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .describe('Redis for the queues'),
  // Cluster mode: REDIS_URL names any one node (its user, password and TLS apply to all nodes).
  REDIS_CLUSTER: z
    .stringbool({ error: 'must be true or false' })
    .default(false)
    .describe('REDIS_URL names a node of a Redis Cluster'),
  // The braces are a Redis Cluster hash tag: every queue of a flow must live in one slot.
  QUEUE_PREFIX: z
    .string()
    .regex(/^\S+$/, 'must be a non-empty prefix without spaces')
    .default('{starchart}'),
});

export interface QueueConfig {
  redisUrl: string;
  /** REDIS_URL names one node of a Redis Cluster. */
  redisCluster?: boolean;
  prefix: string;
  /** BullMQ's OpenTelemetry hooks when the app traces; every queue, producer and worker gets them. */
  telemetry?: Telemetry;
}

export function toQueueConfig(env: z.infer<typeof queueEnvSchema>): QueueConfig {
  return { redisUrl: env.REDIS_URL, redisCluster: env.REDIS_CLUSTER, prefix: env.QUEUE_PREFIX };
}
