import { Processor } from '@nestjs/bullmq';
import { CertificateSteps } from '../certificate-steps.service';
import {
  orderStepResultSchema,
  type CertJobData,
  type FinalizeCertificateResult,
} from '../job-data';
import { CERT_QUEUES } from '../queues';
import { CertStepProcessor, type CertStepJob } from './cert-step.processor';

@Processor(CERT_QUEUES.finalizeCertificate, { autorun: false })
export class FinalizeCertificateProcessor extends CertStepProcessor<FinalizeCertificateResult> {
  constructor(private readonly steps: CertificateSteps) {
    super();
  }

  protected async run(
    job: CertStepJob<FinalizeCertificateResult>,
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
