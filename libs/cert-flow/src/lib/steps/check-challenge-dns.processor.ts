import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import {
  writeChallengeRecordResultSchema,
  type CertJobData,
  type OrderStepResult,
} from '../job-data';
import { ChallengeRecords } from '../order/challenge-records.service';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.checkChallengeDns)
export class CheckChallengeDnsProcessor extends CertStepProcessor<OrderStepResult> {
  constructor(private readonly challengeRecords: ChallengeRecords) {
    super();
  }

  protected async run(
    job: StepJob<OrderStepResult>,
    data: CertJobData,
    token: string | undefined,
  ): Promise<OrderStepResult> {
    const written = await this.childValue(
      job,
      data,
      CERT_QUEUES.writeChallengeRecord,
      writeChallengeRecordResultSchema,
    );
    return this.resultOrWait(
      job,
      token,
      await this.challengeRecords.checkPropagation(data, written),
    );
  }
}
