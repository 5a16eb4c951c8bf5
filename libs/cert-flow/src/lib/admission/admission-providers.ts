import type { Provider } from '@nestjs/common';
import { CaPause } from '../acme/ca-pause';
import type { CertQueueConfig } from '../cert-flow-options';
import { CertFlowQueues } from '../cert-flow-queues';
import { CA_PAUSE } from './ca-pause';
import { CertificateAdmissions, ISSUANCE_LEDGER } from './certificate-admissions.service';
import { DEFAULT_ISSUANCE_BUDGETS, type IssuanceBudgets } from './issuance-budget';
import { IssuanceLedger } from './issuance-ledger';

/**
 * The admission, its ledger and the CA's pause, on the producer's connection, in the api and the
 * worker alike.
 */
export function admissionProviders(
  queue: CertQueueConfig,
  budgets: IssuanceBudgets = DEFAULT_ISSUANCE_BUDGETS,
): Provider[] {
  return [
    {
      provide: ISSUANCE_LEDGER,
      inject: [CertFlowQueues],
      useFactory: (queues: CertFlowQueues) =>
        new IssuanceLedger(queues.connection, queue.prefix, budgets),
    },
    // Reads the pause a rateLimited answer sets (the worker's steps write it), from the same key.
    {
      provide: CA_PAUSE,
      inject: [CertFlowQueues],
      useFactory: (queues: CertFlowQueues) => new CaPause(queues.connection, queue.prefix),
    },
    CertificateAdmissions,
  ];
}
