import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { CertificateDeletion } from '../certificate-deletion.service';
import {
  revokeCertificateResultSchema,
  type CertDeleteJobData,
  type RemoveCertificateResult,
} from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertDeleteStepProcessor } from './cert-delete-step.processor';

/** The root: runs once the revocation has settled, whether it succeeded or not. */
@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.removeCertificate)
export class RemoveCertificateProcessor extends CertDeleteStepProcessor<RemoveCertificateResult> {
  constructor(private readonly deletion: CertificateDeletion) {
    super();
  }

  protected async run(
    job: StepJob<RemoveCertificateResult>,
    data: CertDeleteJobData,
  ): Promise<RemoveCertificateResult> {
    const revoked = await this.childOutcome(
      job,
      data,
      CERT_QUEUES.revokeCertificate,
      revokeCertificateResultSchema,
    );
    return this.deletion.remove(data, revoked.ok ? { ok: true } : revoked);
  }
}
