import { type DynamicModule, Module } from '@nestjs/common';
import { CertFlowWorkerModule } from '@starchart/cert-flow/worker';
import { DnsFlowWorkerModule, route53RedisOptions } from '@starchart/dns-flow/worker';
import { PersistenceModule } from '@starchart/persistence';
import { Route53Module } from '@starchart/route53';
import type { WorkerConfig } from './config/worker-config';

/** Hosts the processors of the flow libraries; no logic of its own. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PersistenceModule.forRoot(config.database),
        // Once per process: both flows share one batcher, so one call in flight per zone.
        Route53Module.forRoot({
          config: config.route53,
          redis: route53RedisOptions(config.queue),
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
    };
  }
}
