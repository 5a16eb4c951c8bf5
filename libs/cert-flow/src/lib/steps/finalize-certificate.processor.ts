import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import {
  orderStepResultSchema,
  type CertJobData,
  type FinalizeCertificateResult,
} from '../job-data';
import { CertificateSigning } from '../order/certificate-signing.service';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.finalizeCertificate)
export class FinalizeCertificateProcessor extends CertStepProcessor<FinalizeCertificateResult> {
  constructor(private readonly signing: CertificateSigning) {
    super();
  }

  protected async run(
    job: StepJob<FinalizeCertificateResult>,
    data: CertJobData,
  ): Promise<FinalizeCertificateResult> {
    const validated = await this.childValue(
      job,
      data,
      CERT_QUEUES.validateChallenges,
      orderStepResultSchema,
    );
    return this.signing.finalize(data, validated);
  }
}
