import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  DNS_QUEUE_REGISTRY,
  RECONCILE_QUEUE,
  type DnsQueueName,
  type ReconcileQueueName,
} from './queues';
import { closeRedisConnection } from './redis-connection';
import { STEP_SETTINGS, type StepSettings } from './worker-options';

export const WORKER_CONNECTION = Symbol('DNS_FLOW_WORKER_CONNECTION');

export class WorkerRegistryError extends Error {
  readonly retryable = false;
}

/** Every DNS queue needs exactly one processor: none strands its jobs, two hand them to different code at random. */
export function findRegistryProblems(processorQueues: readonly string[]): string[] {
  return DNS_QUEUE_REGISTRY.flatMap((queue) => {
    const count = processorQueues.filter((name) => name === queue).length;
    if (count === 0) return [`queue ${queue} has no processor`];
    if (count > 1) return [`queue ${queue} has ${count} processors`];
    return [];
  });
}

/**
 * Starts the DNS flow workers once the whole app is wired, and stops them first on shutdown:
 * workers drain their active jobs while the database, Route 53 client and queues still work.
 */
@Injectable()
export class DnsFlowWorkers
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(DnsFlowWorkers.name);
  private workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    @Inject(STEP_SETTINGS) private readonly settings: StepSettings,
    @Inject(WORKER_CONNECTION) private readonly connection: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    const problems = findRegistryProblems(workers.map((worker) => worker.name));
    if (problems.length > 0)
      throw new WorkerRegistryError(`DNS flow workers: ${problems.join('; ')}`);

    for (const worker of workers) {
      const queue = worker.name;
      if (!isDnsQueue(queue)) continue;
      // One run at a time per process; the run's Redis lock covers the other processes.
      worker.concurrency = queue === RECONCILE_QUEUE ? 1 : this.settings.concurrency[queue];
      worker.on('error', (error) => this.logger.error(`${queue}: ${error.message}`));
      worker.on('failed', (job, error) =>
        this.logger.warn(
          `${queue} job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
        ),
      );
      // run() resolves only when the worker closes.
      worker
        .run()
        .catch((error: unknown) => this.logger.error(`${queue} stopped: ${String(error)}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    this.logger.log(
      `processing ${this.workers.map((w) => `${w.name} x${w.concurrency}`).join(', ')}`,
    );
  }

  /** The first shutdown phase: close() waits for the active jobs to finish. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      DNS_QUEUE_REGISTRY.map((name) =>
        this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }).close(),
      ),
    );
    // BullMQ leaves a connection it was given open; it is ours to close, last.
    await closeRedisConnection(this.connection);
  }
}

function isDnsQueue(name: string): name is DnsQueueName | ReconcileQueueName {
  return DNS_QUEUE_REGISTRY.some((queue) => queue === name);
}
