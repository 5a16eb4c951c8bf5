import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import type { CertJobData, CreateAcmeOrderResult } from '../job-data';
import { CertificateOrdering } from '../order/certificate-ordering.service';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.createAcmeOrder)
export class CreateAcmeOrderProcessor extends CertStepProcessor<CreateAcmeOrderResult> {
  constructor(private readonly ordering: CertificateOrdering) {
    super();
  }

  protected async run(
    job: StepJob<CreateAcmeOrderResult>,
    data: CertJobData,
    token: string | undefined,
  ): Promise<CreateAcmeOrderResult> {
    return this.resultOrWait(job, token, await this.ordering.createOrder(data));
  }
}
