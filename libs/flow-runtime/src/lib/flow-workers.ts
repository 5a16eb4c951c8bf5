import {
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import type { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Queue, Worker } from 'bullmq';
import { FlowError } from './errors';
import { queueNames } from './flow-queues';
import type { QueueRegistry } from './flow-table';
import { closeRedisConnection, type RedisClient } from './redis-connection';

export class WorkerRegistryError extends FlowError {
  readonly retryable = false;
}

/** Every queue of a flow needs exactly one processor: none strands its jobs, two race for them. */
export function findRegistryProblems(
  registry: readonly string[],
  processorQueues: readonly string[],
): string[] {
  return registry.flatMap((queue) => {
    const count = processorQueues.filter((name) => name === queue).length;
    if (count === 0) return [`queue ${queue} has no processor`];
    if (count > 1) return [`queue ${queue} has ${count} processors`];
    return [];
  });
}

/** What the worker lifecycle needs to know of one library. */
export interface FlowWorkersSpec<Q extends string> {
  /** Names the library in errors: "DNS flow", "certificate flow". */
  label: string;
  /** Every queue the library owns. */
  registry: QueueRegistry<Q>;
  /** WORKER_CONCURRENCY: jobs at once per queue named, instead of its row's. */
  concurrency: Partial<Record<string, number>>;
}

/**
 * Starts a library's workers once the whole app is wired, and stops them first on shutdown:
 * workers drain their active jobs while the database, Route 53 client and queues still work.
 * flowWorkerModule provides one per library.
 */
export class FlowWorkers<Q extends string>
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(this.constructor.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly connection: RedisClient,
    private readonly spec: FlowWorkersSpec<Q>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    const registry = queueNames(this.spec.registry);
    const problems = findRegistryProblems(
      registry,
      workers.map((worker) => worker.name),
    );
    if (problems.length > 0)
      throw new WorkerRegistryError(`${this.spec.label} workers: ${problems.join('; ')}`);

    for (const worker of workers) {
      const queue = worker.name;
      // The processors of the other flows of this process belong to their own lifecycle.
      if (!this.owns(queue)) continue;
      worker.concurrency = this.spec.concurrency[queue] ?? this.spec.registry[queue].concurrency;
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
    await Promise.all(queueNames(this.spec.registry).map((name) => this.queue(name).close()));
    // BullMQ leaves a connection it was given open; it is ours to close, last.
    await closeRedisConnection(this.connection);
  }

  private queue(name: Q): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  private owns(name: string): name is Q {
    return name in this.spec.registry;
  }
}
