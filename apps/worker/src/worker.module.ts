import { type DynamicModule, Module } from '@nestjs/common';
import { CertFlowWorkerModule } from '@starchart/cert-flow';
import { DnsFlowWorkerModule } from '@starchart/dns-flow';
import { PersistenceModule } from '@starchart/persistence';
import type { WorkerConfig } from './config/worker-config';

/** Hosts the processors of the flow libraries; no logic of its own. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PersistenceModule.forRoot(config.database),
        DnsFlowWorkerModule.forRoot({
          queue: config.queue,
          route53: config.route53,
          concurrency: config.concurrency,
          reconcile: config.reconcile,
        }),
        ...(config.certificates
          ? [
              CertFlowWorkerModule.forRoot({
                queue: config.queue,
                route53: config.route53,
                ...config.certificates,
              }),
            ]
          : []),
      ],
    };
  }
}
