import { type DynamicModule, Module } from '@nestjs/common';
import { admissionProviders } from './admission/admission-providers';
import { CertificateAdmissions } from './admission/certificate-admissions.service';
import type { IssuanceBudgets } from './admission/issuance-budget';
import type { CertQueueConfig } from './cert-flow-options';
import { CertFlowQueues } from './cert-flow-queues';
import { CertFlowService } from './cert-flow.service';

/**
 * The producer side, for the api: admits orders against the issuance budget, adds certificate
 * flows and reads their progress. It holds no
 * processor, so importing it starts no worker. Global, like PersistenceModule.
 */
@Module({})
export class CertFlowModule {
  static forRoot(options: { queue: CertQueueConfig; budgets?: IssuanceBudgets }): DynamicModule {
    return {
      module: CertFlowModule,
      global: true,
      providers: [
        { provide: CertFlowQueues, useFactory: () => CertFlowQueues.open(options.queue) },
        CertFlowService,
        ...admissionProviders(options.queue, options.budgets),
      ],
      exports: [CertFlowService, CertificateAdmissions],
    };
  }
}
