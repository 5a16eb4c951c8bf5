import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CertFlowWorkerModule } from '@starchart/cert-flow/worker';
import { DnsFlowWorkerModule, route53RedisOptions } from '@starchart/dns-flow/worker';
import { NotificationsWorkerModule } from '@starchart/notifications/worker';
import { PersistenceModule } from '@starchart/persistence';
import { Route53Module } from '@starchart/route53';
import { TracingModule, type Tracing } from '@starchart/telemetry/tracing';
import type { WorkerConfig } from './config/worker-config';
import {
  WORKER_METRICS_CONFIG,
  WorkerMetrics,
  WorkerMetricsRegistry,
} from './metrics/worker-metrics';

/** Hosts the processors of the flow libraries; no logic of its own. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig, tracing?: Tracing): DynamicModule {
    const { metrics, providers } = metricsOf(config);
    // Every queue and worker of both flows carries the trace context of the job it runs.
    const queue = { ...config.queue, telemetry: tracing?.bullmq };
    return {
      module: WorkerModule,
      imports: [
        DiscoveryModule,
        ...(tracing ? [TracingModule.forRoot(tracing)] : []),
        PersistenceModule.forRoot(config.database),
        // Once per process: both flows share one batcher, so one call in flight per zone.
        Route53Module.forRoot({
          config: config.route53,
          redis: route53RedisOptions(queue),
          observer: metrics?.route53,
        }),
        DnsFlowWorkerModule.forRoot({
          queue,
          concurrency: config.concurrency,
          reconcile: config.reconcile,
          expiry: config.expiry,
        }),
        // Global when present: the flows' processors hand it their notices.
        ...(config.notifications
          ? [
              NotificationsWorkerModule.forRoot({
                queue,
                concurrency: config.concurrency,
                config: config.notifications,
              }),
            ]
          : []),
        ...(config.certificates
          ? [
              CertFlowWorkerModule.forRoot({
                queue,
                concurrency: config.concurrency,
                ...config.certificates,
              }),
            ]
          : []),
      ],
      providers,
    };
  }
}

/** Made before the modules: the Route 53 client is built with its metrics. */
function metricsOf(config: WorkerConfig): {
  metrics: WorkerMetricsRegistry | undefined;
  providers: Provider[];
} {
  if (!config.metrics) return { metrics: undefined, providers: [] };
  const metrics = new WorkerMetricsRegistry();
  return {
    metrics,
    providers: [
      { provide: WorkerMetricsRegistry, useValue: metrics },
      { provide: WORKER_METRICS_CONFIG, useValue: config.metrics },
      WorkerMetrics,
    ],
  };
}
