import { Processor } from '@nestjs/bullmq';
import { CertificateSteps } from '../certificate-steps.service';
import {
  createAcmeOrderResultSchema,
  type CertJobData,
  type WriteChallengeRecordResult,
} from '../job-data';
import { CERT_QUEUES } from '../queues';
import { CertStepProcessor, type CertStepJob } from './cert-step.processor';

@Processor(CERT_QUEUES.writeChallengeRecord, { autorun: false })
export class WriteChallengeRecordProcessor extends CertStepProcessor<WriteChallengeRecordResult> {
  constructor(private readonly steps: CertificateSteps) {
    super();
  }

  protected async run(
    job: CertStepJob<WriteChallengeRecordResult>,
    data: CertJobData,
  ): Promise<WriteChallengeRecordResult> {
    const order = await this.childValue(
      job,
      data,
      CERT_QUEUES.createAcmeOrder,
      createAcmeOrderResultSchema,
    );
    return this.steps.writeChallenge(data, order);
  }
}
