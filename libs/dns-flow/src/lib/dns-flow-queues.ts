import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { FlowProducer, Queue } from 'bullmq';
import { closeRedisConnection, createRedisConnection } from '@starchart/flow-runtime';
import type { Redis } from 'ioredis';
import type { DnsRecordJobData } from './job-data';
import type { QueueConfig } from './queue-config';
import { DNS_FLOW_QUEUE_NAMES, RECONCILE_QUEUE, type DnsQueueName } from './queues';
import type { ReconcileJobData, ReconcileReport } from './reconcile/reconcile-job';

/** How this flow's connections show in Redis CLIENT LIST. */
export const REDIS_CLIENT = 'starchart';

export type DnsQueue = Queue<DnsRecordJobData>;
export type ReconcileQueue = Queue<ReconcileJobData, ReconcileReport>;

/**
 * The producer's handles: one FlowProducer, one Queue per step and the reconcile queue, on one
 * shared connection.
 */
export class DnsFlowQueues implements OnApplicationShutdown {
  private constructor(
    readonly connection: Redis,
    readonly flowProducer: FlowProducer,
    private readonly queues: ReadonlyMap<DnsQueueName, DnsQueue>,
    readonly reconcile: ReconcileQueue,
  ) {}

  static open(config: QueueConfig): DnsFlowQueues {
    const connection = createRedisConnection(config.redisUrl, 'producer', REDIS_CLIENT);
    const options = { connection, prefix: config.prefix, telemetry: config.telemetry };
    const flowProducer = new FlowProducer(options);
    const queues = new Map(
      DNS_FLOW_QUEUE_NAMES.map((name) => [name, new Queue<DnsRecordJobData>(name, options)]),
    );
    const reconcile: ReconcileQueue = new Queue(RECONCILE_QUEUE, options);
    // Without a listener an 'error' event (Redis restarting) would crash the process.
    const logger = new Logger(DnsFlowQueues.name);
    const logError = (error: Error): void => logger.error(`Redis: ${error.message}`);
    connection.on('error', logError);
    flowProducer.on('error', logError);
    for (const queue of queues.values()) queue.on('error', logError);
    reconcile.on('error', logError);
    return new DnsFlowQueues(connection, flowProducer, queues, reconcile);
  }

  queue(name: DnsQueueName): DnsQueue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue handle for ${name}`);
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flowProducer.close();
    await Promise.all([...this.queues.values(), this.reconcile].map((queue) => queue.close()));
    // BullMQ leaves a connection it was given open; it is ours to close, last.
    await closeRedisConnection(this.connection);
  }
}
