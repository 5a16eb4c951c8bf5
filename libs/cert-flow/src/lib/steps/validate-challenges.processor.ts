import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { orderStepResultSchema, type CertJobData, type OrderStepResult } from '../job-data';
import { CertificateOrdering } from '../order/certificate-ordering.service';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.validateChallenges)
export class ValidateChallengesProcessor extends CertStepProcessor<OrderStepResult> {
  constructor(private readonly ordering: CertificateOrdering) {
    super();
  }

  protected async run(
    job: StepJob<OrderStepResult>,
    data: CertJobData,
    token: string | undefined,
  ): Promise<OrderStepResult> {
    const checked = await this.childValue(
      job,
      data,
      CERT_QUEUES.checkChallengeDns,
      orderStepResultSchema,
    );
    // job.timestamp, when the flow was added, stands in for an order taken before orders kept the time.
    return this.resultOrWait(
      job,
      token,
      await this.ordering.validate(data, checked, job.timestamp),
    );
  }
}
