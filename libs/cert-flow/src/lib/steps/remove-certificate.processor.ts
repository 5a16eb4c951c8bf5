import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { CertificateDeletion } from '../certificate-deletion.service';
import { CertificateNotices } from '../certificate-notices.service';
import { CERT_DELETE_FLOW } from '../flow';
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
  constructor(
    private readonly deletion: CertificateDeletion,
    private readonly notices: CertificateNotices,
  ) {
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
    const result = await this.deletion.remove(data, revoked.ok ? { ok: true } : revoked);
    // After the write; on a retry the row is kept already and the notice id is the same.
    if (!revoked.ok)
      await this.notices.revocationFailed(
        data.certificateId,
        CERT_DELETE_FLOW.flowId(data),
        revoked.reason,
      );
    return result;
  }
}
