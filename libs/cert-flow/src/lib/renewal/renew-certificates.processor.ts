import { WorkerHost } from '@nestjs/bullmq';
import { RegistryProcessor } from '@starchart/flow-runtime';
import type { RenewCertificatesResult } from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertificateRenewals } from './certificate-renewals.service';

/** The job scheduler's job: one per slot, however many worker replicas run. */
@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.renewCertificates)
export class RenewCertificatesProcessor extends WorkerHost {
  constructor(private readonly renewals: CertificateRenewals) {
    super();
  }

  override async process(): Promise<RenewCertificatesResult> {
    return { started: await this.renewals.renewDue() };
  }
}
