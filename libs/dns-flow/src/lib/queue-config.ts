import type { Telemetry } from 'bullmq';
import { z } from 'zod';

const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;

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
  // More seeds: a client that reconnects from scratch (BullMQ's blocking connections do) asks
  // only its seeds for the cluster's layout, so with one seed it is stuck while that node is down.
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((list) => list.split(',').map((node) => node.trim()))
    .superRefine((nodes, context) => {
      for (const node of nodes.filter((entry) => !HOST_PORT.test(entry)))
        context.addIssue({
          code: 'custom',
          message: `"${node}" is not host:port; want a comma-separated list of host:port, one per node`,
        });
    })
    .optional()
    .describe('host:port of the cluster nodes a client starts from'),
  // The braces are a Redis Cluster hash tag: every queue of a flow must live in one slot.
  QUEUE_PREFIX: z
    .string()
    .regex(/^\S+$/, 'must be a non-empty prefix without spaces')
    .default('{starchart}'),
});

/**
 * The check across the fragment's variables, for each app's schema (`.refine(...queueEnvCheck)`):
 * seeds given without cluster mode would be silently ignored.
 */
export const queueEnvCheck: [
  (env: { REDIS_CLUSTER: boolean; REDIS_CLUSTER_NODES?: string[] | undefined }) => boolean,
  { path: string[]; error: string; when: () => boolean },
] = [
  (env) => env.REDIS_CLUSTER || env.REDIS_CLUSTER_NODES === undefined,
  {
    path: ['REDIS_CLUSTER_NODES'],
    error: 'names cluster nodes, but REDIS_CLUSTER is not true',
    when: () => true,
  },
];

export interface QueueConfig {
  redisUrl: string;
  /** REDIS_URL names one node of a Redis Cluster. */
  redisCluster?: boolean;
  /** More nodes of the cluster to start from (`host:port`), besides REDIS_URL's. */
  redisClusterNodes?: readonly string[];
  prefix: string;
  /** BullMQ's OpenTelemetry hooks when the app traces; every queue, producer and worker gets them. */
  telemetry?: Telemetry;
}

export function toQueueConfig(env: z.infer<typeof queueEnvSchema>): QueueConfig {
  return {
    redisUrl: env.REDIS_URL,
    redisCluster: env.REDIS_CLUSTER,
    ...(env.REDIS_CLUSTER_NODES && { redisClusterNodes: env.REDIS_CLUSTER_NODES }),
    prefix: env.QUEUE_PREFIX,
  };
}
