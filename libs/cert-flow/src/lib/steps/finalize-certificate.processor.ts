import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { CertificateSteps } from '../certificate-steps.service';
import {
  orderStepResultSchema,
  type CertJobData,
  type FinalizeCertificateResult,
} from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.finalizeCertificate)
export class FinalizeCertificateProcessor extends CertStepProcessor<FinalizeCertificateResult> {
  constructor(private readonly steps: CertificateSteps) {
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
    return this.steps.finalize(data, validated);
  }
}
