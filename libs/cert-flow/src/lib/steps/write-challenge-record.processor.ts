import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { CertificateSteps } from '../certificate-steps.service';
import {
  createAcmeOrderResultSchema,
  type CertJobData,
  type WriteChallengeRecordResult,
} from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.writeChallengeRecord)
export class WriteChallengeRecordProcessor extends CertStepProcessor<WriteChallengeRecordResult> {
  constructor(private readonly steps: CertificateSteps) {
    super();
  }

  protected async run(
    job: StepJob<WriteChallengeRecordResult>,
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
