import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { FlowProducer, Queue, type Telemetry } from 'bullmq';
import type { QueueRegistry } from './flow-table';
import type { QueuesByName } from './safety-net/broken-flows';
import {
  closeRedisConnection,
  createRedisConnection,
  redisTargetOf,
  type RedisClient,
} from './redis-connection';

/** Where a library's queues live (REDIS_URL, REDIS_CLUSTER, REDIS_CLUSTER_NODES, QUEUE_PREFIX). */
export interface QueueConnectionConfig {
  redisUrl: string;
  /** REDIS_URL names one node of a Redis Cluster. */
  redisCluster?: boolean;
  /** More nodes of the cluster to start from (`host:port`). */
  redisClusterNodes?: readonly string[];
  /** A Redis Cluster hash tag (`{starchart}`): every queue of a flow must live in one slot. */
  prefix: string;
  /** BullMQ's OpenTelemetry hooks when the app traces; every queue, producer and worker gets them. */
  telemetry?: Telemetry;
}

/**
 * The producer's handles of one library: a FlowProducer and a Queue for every queue of its
 * registry, on one shared connection. Each flow lib names its own subclass (a Nest token).
 */
export class FlowQueues<Q extends string> implements OnApplicationShutdown, QueuesByName {
  readonly connection: RedisClient;
  readonly flowProducer: FlowProducer;
  private readonly queues: ReadonlyMap<Q, Queue>;

  constructor(registry: QueueRegistry<Q>, config: QueueConnectionConfig, redisClient: string) {
    this.connection = createRedisConnection(redisTargetOf(config), 'producer', redisClient);
    const options = {
      connection: this.connection,
      prefix: config.prefix,
      telemetry: config.telemetry,
    };
    this.flowProducer = new FlowProducer(options);
    this.queues = new Map(
      queueNames(registry).map((name): [Q, Queue] => [name, new Queue(name, options)]),
    );
    // Without a listener an 'error' event (Redis restarting) would crash the process.
    const logger = new Logger(new.target.name);
    const logError = (error: Error): void => logger.error(`Redis: ${error.message}`);
    this.connection.on('error', logError);
    this.flowProducer.on('error', logError);
    for (const queue of this.queues.values()) queue.on('error', logError);
  }

  queue(name: Q): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue handle for ${name}`);
    return queue;
  }

  /** The handle of a queue named in Redis (a child's key); undefined when it is not ours. */
  find(name: string): Queue | undefined {
    return (this.queues as ReadonlyMap<string, Queue>).get(name);
  }

  /** Throws when Redis does not answer. */
  async ping(): Promise<void> {
    await this.connection.ping();
  }

  /**
   * Throws when Redis cannot be reached. Free while the connection is up; otherwise a ping,
   * which waits for at most one reconnection attempt.
   */
  async ensureConnected(): Promise<void> {
    if (this.connection.status !== 'ready') await this.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flowProducer.close();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    // BullMQ leaves a connection it was given open; it is ours to close, last.
    await closeRedisConnection(this.connection);
  }
}

/** The queue names of a registry, in its order. */
export function queueNames<Q extends string>(registry: QueueRegistry<Q>): Q[] {
  return Object.keys(registry).filter((name): name is Q => name in registry);
}
