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
import { CERT_STEP_SETTINGS, type CertStepSettings } from './cert-flow-options';
import { RENEWAL_JOB_OPTIONS, RENEWAL_SCHEDULER_ID } from './job-options';
import { CERT_FLOW_QUEUE_NAMES, CERT_QUEUES, type CertQueueName } from './queues';
import { closeCertRedisConnection } from './redis-connection';

export const CERT_WORKER_CONNECTION = Symbol('CERT_FLOW_WORKER_CONNECTION');

export class CertWorkerRegistryError extends Error {
  readonly retryable = false;
}

/** Every certificate queue needs exactly one processor: none strands its jobs, two race. */
export function findCertRegistryProblems(processorQueues: readonly string[]): string[] {
  return CERT_FLOW_QUEUE_NAMES.flatMap((queue) => {
    const count = processorQueues.filter((name) => name === queue).length;
    if (count === 0) return [`queue ${queue} has no processor`];
    if (count > 1) return [`queue ${queue} has ${count} processors`];
    return [];
  });
}

/**
 * Starts the certificate workers once the app is wired, upserts the renewal schedule, and stops
 * the workers first on shutdown so that active jobs finish while their dependencies still work.
 */
@Injectable()
export class CertFlowWorkers
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(CertFlowWorkers.name);
  private workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
    @Inject(CERT_WORKER_CONNECTION) private readonly connection: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    const problems = findCertRegistryProblems(workers.map((worker) => worker.name));
    if (problems.length > 0)
      throw new CertWorkerRegistryError(`certificate flow workers: ${problems.join('; ')}`);

    for (const worker of workers) {
      const queue = worker.name;
      if (!isCertQueue(queue)) continue;
      worker.concurrency = queue === CERT_QUEUES.renewCertificates ? 1 : this.settings.concurrency;
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
    // Every replica upserts the same scheduler id: one schedule, one job per slot.
    await this.queue(CERT_QUEUES.renewCertificates).upsertJobScheduler(
      RENEWAL_SCHEDULER_ID,
      { every: this.settings.renewEveryMs },
      { name: 'renewCertificates', data: {}, opts: RENEWAL_JOB_OPTIONS },
    );
    this.logger.log(`processing ${this.workers.map((w) => w.name).join(', ')}`);
  }

  /** The first shutdown phase: close() waits for the active jobs to finish. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(CERT_FLOW_QUEUE_NAMES.map((name) => this.queue(name).close()));
    // BullMQ leaves a connection it was given open; it is ours to close, last.
    await closeCertRedisConnection(this.connection);
  }

  private queue(name: CertQueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}

function isCertQueue(name: string): name is CertQueueName {
  return CERT_FLOW_QUEUE_NAMES.some((queue) => queue === name);
}
