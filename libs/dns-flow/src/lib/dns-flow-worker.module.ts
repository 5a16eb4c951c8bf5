import { type DynamicModule, Module } from '@nestjs/common';
import {
  createRedisClient,
  flowWorkerModule,
  redisTargetOf,
  type RedisClient,
} from '@starchart/flow-runtime';
import { DnsFlowQueues, REDIS_CLIENT, WORKER_CONNECTION } from './dns-flow-queues';
import { DnsFlowService } from './dns-flow.service';
import { DnsRecordSteps } from './dns-record-steps.service';
import { ExpireRecordsProcessor } from './expiry/expire-records.processor';
import { ExpirySchedule } from './expiry/expiry-schedule';
import { EXPIRY_SETTINGS } from './expiry/expiry-settings';
import { RecordExpiry } from './expiry/record-expiry.service';
import type { QueueConfig } from './queue-config';
import { DNS_QUEUE_REGISTRY } from './queues';
import { ReconcileProcessor } from './reconcile/reconcile.processor';
import { ReconcileSchedule } from './reconcile/reconcile-schedule';
import { RECONCILE_SETTINGS } from './reconcile/reconcile-settings';
import { ReconcilerService } from './reconcile/reconciler.service';
import { AddDbRecordProcessor } from './steps/add-db-record.processor';
import { CheckDnsStatusProcessor } from './steps/check-dns-status.processor';
import { CreateDnsRecordProcessor } from './steps/create-dns-record.processor';
import { SyncDbStatusProcessor } from './steps/sync-db-status.processor';
import { ZoneCapacity } from './zone-capacity/zone-capacity';
import {
  STEP_SETTINGS,
  toExpirySettings,
  toReconcileSettings,
  toStepSettings,
  type DnsFlowWorkerOptions,
} from './worker-options';

/** A command of the Route 53 client without an answer by then fails (on a cluster). */
const ROUTE53_REDIS_COMMAND_TIMEOUT_MS = 5_000;

/**
 * Where Route 53's shared state (rate limit, change status cache) lives: beside the queues, in
 * their hash tag's slot, on a client of its own from the one factory.
 */
export function route53RedisOptions(queue: QueueConfig): {
  open: () => RedisClient;
  keyPrefix: string;
} {
  return {
    open: () =>
      createRedisClient(redisTargetOf(queue), {
        connectionName: 'starchart-route53',
        maxRetriesPerRequest: 20,
        // On a cluster, a command sent to a master SIGKILLed mid-failover was seen never to
        // settle; the rate limiter queues every Route 53 call of the process behind it, so a
        // command without an answer fails instead (docs/RELIABILITY.md, the cluster chaos run).
        ...(queue.redisCluster ? { commandTimeoutMs: ROUTE53_REDIS_COMMAND_TIMEOUT_MS } : {}),
      }),
    keyPrefix: `${queue.prefix}:`,
  };
}

/**
 * The processors of the DNS record flow, the reconciler and the expiry run, on the worker module generated from
 * DNS_QUEUE_REGISTRY. Importing this module starts workers in the importing process, so only
 * apps/worker (and tests) import it. The importing app provides the one Route53Service
 * (Route53Module.forRoot): every flow of a process shares its batcher.
 */
@Module({})
export class DnsFlowWorkerModule {
  static forRoot(options: DnsFlowWorkerOptions): DynamicModule {
    return flowWorkerModule({
      module: DnsFlowWorkerModule,
      label: 'DNS flow',
      registry: DNS_QUEUE_REGISTRY,
      queue: options.queue,
      redisClient: REDIS_CLIENT,
      connectionToken: WORKER_CONNECTION,
      concurrency: options.concurrency,
      providers: [
        { provide: STEP_SETTINGS, useValue: toStepSettings(options) },
        { provide: RECONCILE_SETTINGS, useValue: toReconcileSettings(options) },
        { provide: EXPIRY_SETTINGS, useValue: toExpirySettings(options) },
        // The reconciler resumes stalled flows and schedules itself: it produces jobs too.
        { provide: DnsFlowQueues, useFactory: () => DnsFlowQueues.open(options.queue) },
        {
          provide: ZoneCapacity,
          useFactory: (queues: DnsFlowQueues) =>
            new ZoneCapacity(queues.connection, options.queue.prefix),
          inject: [DnsFlowQueues],
        },
        DnsFlowService,
        DnsRecordSteps,
        ReconcilerService,
        ReconcileSchedule,
        AddDbRecordProcessor,
        CreateDnsRecordProcessor,
        CheckDnsStatusProcessor,
        SyncDbStatusProcessor,
        ReconcileProcessor,
        RecordExpiry,
        ExpirySchedule,
        ExpireRecordsProcessor,
      ],
    });
  }
}
