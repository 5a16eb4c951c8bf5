import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CertFlowWorkerModule } from '@starchart/cert-flow/worker';
import { DnsFlowWorkerModule, route53RedisOptions } from '@starchart/dns-flow/worker';
import { PersistenceModule } from '@starchart/persistence';
import { Route53Module } from '@starchart/route53';
import type { WorkerConfig } from './config/worker-config';
import {
  WORKER_METRICS_CONFIG,
  WorkerMetrics,
  WorkerMetricsRegistry,
} from './metrics/worker-metrics';

/** Hosts the processors of the flow libraries; no logic of its own. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const { metrics, providers } = metricsOf(config);
    return {
      module: WorkerModule,
      imports: [
        DiscoveryModule,
        PersistenceModule.forRoot(config.database),
        // Once per process: both flows share one batcher, so one call in flight per zone.
        Route53Module.forRoot({
          config: config.route53,
          redis: route53RedisOptions(config.queue),
          observer: metrics?.route53,
        }),
        DnsFlowWorkerModule.forRoot({
          queue: config.queue,
          concurrency: config.concurrency,
          reconcile: config.reconcile,
        }),
        ...(config.certificates
          ? [CertFlowWorkerModule.forRoot({ queue: config.queue, ...config.certificates })]
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
