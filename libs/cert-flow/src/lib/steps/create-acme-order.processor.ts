import { Processor } from '@nestjs/bullmq';
import { CertificateSteps } from '../certificate-steps.service';
import type { CertJobData, CreateAcmeOrderResult } from '../job-data';
import { CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

// autorun off: CertFlowWorkers sets the concurrency, then starts every worker at once.
@Processor(CERT_QUEUES.createAcmeOrder, { autorun: false })
export class CreateAcmeOrderProcessor extends CertStepProcessor<CreateAcmeOrderResult> {
  constructor(private readonly steps: CertificateSteps) {
    super();
  }

  protected run(_job: unknown, data: CertJobData): Promise<CreateAcmeOrderResult> {
    return this.steps.createOrder(data);
  }
}
