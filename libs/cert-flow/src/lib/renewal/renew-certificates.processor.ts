import { WorkerHost } from '@nestjs/bullmq';
import { RegistryProcessor } from '@starchart/flow-runtime';
import type { RenewCertificatesResult } from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertificateNotices } from '../certificate-notices.service';
import { CertificateRenewals } from './certificate-renewals.service';

/** The job scheduler's job: one per slot, however many worker replicas run. */
@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.renewCertificates)
export class RenewCertificatesProcessor extends WorkerHost {
  constructor(
    private readonly renewals: CertificateRenewals,
    private readonly notices: CertificateNotices,
  ) {
    super();
  }

  override async process(): Promise<RenewCertificatesResult> {
    const now = Date.now();
    const started = await this.renewals.renewDue(now);
    return { started, expiringNoticed: await this.notices.expiringSoon(now) };
  }
}
