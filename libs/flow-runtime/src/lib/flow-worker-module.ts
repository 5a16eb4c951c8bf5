import { BullModule, Processor } from '@nestjs/bullmq';
import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { queueNames, type QueueConnectionConfig } from './flow-queues';
import { workerOptionsFor, type QueueRegistry } from './flow-table';
import { FlowWorkers } from './flow-workers';
import { createRedisConnection, redisTargetOf, type RedisClient } from './redis-connection';

export interface FlowWorkerModuleOptions<Q extends string> {
  /** The flow library's module class. */
  module: Type<unknown>;
  /** Names the library in errors and logs. */
  label: string;
  /** Every queue the library owns: each gets a queue for its processor and a started worker. */
  registry: QueueRegistry<Q>;
  queue: QueueConnectionConfig;
  /** How the workers' connection shows in Redis CLIENT LIST. */
  redisClient: string;
  /** Token under which the workers' connection is provided (a processor may use it too). */
  connectionToken: symbol;
  /** WORKER_CONCURRENCY: jobs at once per queue named, instead of its row's. */
  concurrency: Partial<Record<string, number>>;
  /** The processors, their steps and whatever else the library's workers need. */
  providers: Provider[];
  exports?: DynamicModule['exports'];
}

/**
 * The worker side of a flow library, generated from its registry: one worker connection, a
 * BullMQ queue for every registry queue (the processors' workers take their connection and
 * prefix from it), and FlowWorkers, which checks at boot that every queue has exactly one
 * processor, applies the concurrency and starts them all. Importing it starts workers.
 */
export function flowWorkerModule<Q extends string>(
  options: FlowWorkerModuleOptions<Q>,
): DynamicModule {
  @Module({})
  class FlowWorkerConnectionModule {}

  const connection: DynamicModule = {
    module: FlowWorkerConnectionModule,
    providers: [
      {
        provide: options.connectionToken,
        useFactory: (): RedisClient =>
          createRedisConnection(redisTargetOf(options.queue), 'worker', options.redisClient),
      },
    ],
    exports: [options.connectionToken],
  };
  return {
    module: options.module,
    imports: [
      DiscoveryModule,
      connection,
      BullModule.registerQueueAsync(
        ...queueNames(options.registry).map((name) => ({
          name,
          imports: [connection],
          inject: [options.connectionToken],
          useFactory: (redis: RedisClient) => ({
            connection: redis,
            prefix: options.queue.prefix,
            telemetry: options.queue.telemetry,
          }),
        })),
      ),
    ],
    providers: [
      ...options.providers,
      {
        provide: FlowWorkers,
        inject: [DiscoveryService, ModuleRef, options.connectionToken],
        useFactory: (discovery: DiscoveryService, moduleRef: ModuleRef, redis: RedisClient) =>
          new FlowWorkers(discovery, moduleRef, redis, {
            label: options.label,
            registry: options.registry,
            concurrency: options.concurrency,
          }),
      },
    ],
    ...(options.exports !== undefined && { exports: options.exports }),
  };
}

/** `@Processor` of a registry queue, with the worker options of its row (locks, no autorun). */
export function RegistryProcessor<Q extends string>(
  registry: QueueRegistry<Q>,
  queue: Q,
): ClassDecorator {
  return Processor(queue, workerOptionsFor(registry[queue]));
}
