import { Processor } from '@nestjs/bullmq';
import { CertificateSteps } from '../certificate-steps.service';
import {
  writeChallengeRecordResultSchema,
  type CertJobData,
  type OrderStepResult,
} from '../job-data';
import { CERT_QUEUES } from '../queues';
import { CertStepProcessor, type CertStepJob } from './cert-step.processor';

@Processor(CERT_QUEUES.checkChallengeDns, { autorun: false })
export class CheckChallengeDnsProcessor extends CertStepProcessor<OrderStepResult> {
  constructor(private readonly steps: CertificateSteps) {
    super();
  }

  protected async run(
    job: CertStepJob<OrderStepResult>,
    data: CertJobData,
    token: string | undefined,
  ): Promise<OrderStepResult> {
    const written = await this.childValue(
      job,
      data,
      CERT_QUEUES.writeChallengeRecord,
      writeChallengeRecordResultSchema,
    );
    return this.resultOrWait(job, token, await this.steps.checkPropagation(data, written));
  }
}
