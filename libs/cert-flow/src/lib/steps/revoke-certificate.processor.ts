import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { CertificateDeletion } from '../certificate-deletion.service';
import type { CertDeleteJobData, RevokeCertificateResult } from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertDeleteStepProcessor } from './cert-delete-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.revokeCertificate)
export class RevokeCertificateProcessor extends CertDeleteStepProcessor<RevokeCertificateResult> {
  constructor(private readonly deletion: CertificateDeletion) {
    super();
  }

  protected run(
    _job: StepJob<RevokeCertificateResult>,
    data: CertDeleteJobData,
  ): Promise<RevokeCertificateResult> {
    return this.deletion.revoke(data);
  }
}
