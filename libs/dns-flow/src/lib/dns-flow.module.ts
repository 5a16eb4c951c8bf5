import { type DynamicModule, Module } from '@nestjs/common';
import { DnsFlowQueues } from './dns-flow-queues';
import { DnsFlowService } from './dns-flow.service';
import type { QueueConfig } from './queue-config';
import { ReconcileRequests } from './reconcile/reconcile-requests.service';
import { ZoneCapacity } from './zone-capacity/zone-capacity';

/**
 * The producer side, for the api: adds flows and reads their progress, asks for reconcile runs. It holds no processor,
 * so importing it starts no worker. Global, like PersistenceModule.
 */
@Module({})
export class DnsFlowModule {
  static forRoot(options: { queue: QueueConfig }): DynamicModule {
    return {
      module: DnsFlowModule,
      global: true,
      providers: [
        { provide: DnsFlowQueues, useFactory: () => DnsFlowQueues.open(options.queue) },
        DnsFlowService,
        ReconcileRequests,
        {
          provide: ZoneCapacity,
          useFactory: (queues: DnsFlowQueues) =>
            new ZoneCapacity(queues.connection, options.queue.prefix),
          inject: [DnsFlowQueues],
        },
      ],
      exports: [DnsFlowService, ReconcileRequests, ZoneCapacity],
    };
  }
}
