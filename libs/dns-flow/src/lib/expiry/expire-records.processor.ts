import { WorkerHost } from '@nestjs/bullmq';
import { RegistryProcessor, toJobFailure } from '@starchart/flow-runtime';
import { DNS_QUEUE_REGISTRY, EXPIRE_RECORDS_QUEUE } from '../queues';
import type { ExpiryReport } from './expiry-settings';
import { RecordExpiry } from './record-expiry.service';

/** The job scheduler's job: one per slot, however many worker replicas run. */
@RegistryProcessor(DNS_QUEUE_REGISTRY, EXPIRE_RECORDS_QUEUE)
export class ExpireRecordsProcessor extends WorkerHost {
  constructor(private readonly expiry: RecordExpiry) {
    super();
  }

  override async process(): Promise<ExpiryReport> {
    return this.expiry.run().catch((error: unknown) => Promise.reject(toJobFailure(error)));
  }
}
