import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { RenewCertificatesResult } from '../job-data';
import { CERT_QUEUES } from '../queues';
import { CertificateRenewals } from './certificate-renewals.service';

/** The job scheduler's job: one per slot, however many worker replicas run. */
@Processor(CERT_QUEUES.renewCertificates, { autorun: false })
export class RenewCertificatesProcessor extends WorkerHost {
  constructor(private readonly renewals: CertificateRenewals) {
    super();
  }

  override async process(): Promise<RenewCertificatesResult> {
    return { started: await this.renewals.renewDue() };
  }
}
