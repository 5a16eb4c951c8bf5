import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Route53Module } from '@starchart/route53';
import type { Redis } from 'ioredis';
import { DnsFlowWorkers, WORKER_CONNECTION } from './dns-flow-workers';
import { DnsRecordSteps } from './dns-record-steps.service';
import type { QueueConfig } from './queue-config';
import { DNS_FLOW_QUEUE_NAMES } from './queues';
import { createRedisConnection } from './redis-connection';
import { AddDbRecordProcessor } from './steps/add-db-record.processor';
import { CheckDnsStatusProcessor } from './steps/check-dns-status.processor';
import { CreateDnsRecordProcessor } from './steps/create-dns-record.processor';
import { SyncDbStatusProcessor } from './steps/sync-db-status.processor';
import { STEP_SETTINGS, toStepSettings, type DnsFlowWorkerOptions } from './worker-options';

@Module({})
class DnsFlowWorkerConnectionModule {}

/** Where Route 53's shared state (rate limit, change status cache) lives: beside the queues. */
export function route53RedisOptions(queue: QueueConfig): { url: string; keyPrefix: string } {
  return { url: queue.redisUrl, keyPrefix: `${queue.prefix}:` };
}

/**
 * The processors of the DNS record flow. Importing this module starts workers in the importing
 * process, so only apps/worker (and tests) import it.
 */
@Module({})
export class DnsFlowWorkerModule {
  static forRoot(options: DnsFlowWorkerOptions): DynamicModule {
    const connection: DynamicModule = {
      module: DnsFlowWorkerConnectionModule,
      providers: [
        {
          provide: WORKER_CONNECTION,
          useFactory: (): Redis => createRedisConnection(options.queue, 'worker'),
        },
      ],
      exports: [WORKER_CONNECTION],
    };
    return {
      module: DnsFlowWorkerModule,
      imports: [
        DiscoveryModule,
        connection,
        Route53Module.forRoot({
          config: options.route53,
          redis: route53RedisOptions(options.queue),
        }),
        // The processors' workers take their connection and prefix from these queues.
        BullModule.registerQueueAsync(
          ...DNS_FLOW_QUEUE_NAMES.map((name) => ({
            name,
            imports: [connection],
            inject: [WORKER_CONNECTION],
            useFactory: (redis: Redis) => ({ connection: redis, prefix: options.queue.prefix }),
          })),
        ),
      ],
      providers: [
        { provide: STEP_SETTINGS, useValue: toStepSettings(options) },
        DnsRecordSteps,
        AddDbRecordProcessor,
        CreateDnsRecordProcessor,
        CheckDnsStatusProcessor,
        SyncDbStatusProcessor,
        DnsFlowWorkers,
      ],
    };
  }
}
