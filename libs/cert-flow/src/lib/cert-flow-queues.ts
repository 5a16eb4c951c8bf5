import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { FlowProducer, Queue } from 'bullmq';
import { closeRedisConnection, createRedisConnection } from '@starchart/flow-runtime';
import type { Redis } from 'ioredis';
import type { CertQueueConfig } from './cert-flow-options';
import { CERT_FLOW_QUEUE_NAMES, type CertQueueName } from './queues';

/** How this flow's connections show in Redis CLIENT LIST. */
export const CERT_REDIS_CLIENT = 'starchart-cert';

/** The producer's handles: one FlowProducer and one Queue per step, on one shared connection. */
export class CertFlowQueues implements OnApplicationShutdown {
  private constructor(
    readonly connection: Redis,
    readonly flowProducer: FlowProducer,
    private readonly queues: ReadonlyMap<CertQueueName, Queue>,
  ) {}

  static open(config: CertQueueConfig): CertFlowQueues {
    const connection = createRedisConnection(config.redisUrl, 'producer', CERT_REDIS_CLIENT);
    const options = { connection, prefix: config.prefix, telemetry: config.telemetry };
    const flowProducer = new FlowProducer(options);
    const queues = new Map(CERT_FLOW_QUEUE_NAMES.map((name) => [name, new Queue(name, options)]));
    // Without a listener an 'error' event (Redis restarting) would crash the process.
    const logger = new Logger(CertFlowQueues.name);
    const logError = (error: Error): void => logger.error(`Redis: ${error.message}`);
    connection.on('error', logError);
    flowProducer.on('error', logError);
    for (const queue of queues.values()) queue.on('error', logError);
    return new CertFlowQueues(connection, flowProducer, queues);
  }

  queue(name: CertQueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue handle for ${name}`);
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flowProducer.close();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    // BullMQ leaves a connection it was given open; it is ours to close, last.
    await closeRedisConnection(this.connection);
  }
}
