import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import {
  createAcmeOrderResultSchema,
  type CertJobData,
  type WriteChallengeRecordResult,
} from '../job-data';
import { ChallengeRecords } from '../order/challenge-records.service';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.writeChallengeRecord)
export class WriteChallengeRecordProcessor extends CertStepProcessor<WriteChallengeRecordResult> {
  constructor(private readonly challengeRecords: ChallengeRecords) {
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
    return this.challengeRecords.write(data, order);
  }
}
