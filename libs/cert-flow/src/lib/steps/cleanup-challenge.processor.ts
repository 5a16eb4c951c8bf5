import { RegistryProcessor, type StepJob } from '@starchart/flow-runtime';
import { CertificateNotices } from '../certificate-notices.service';
import {
  finalizeCertificateResultSchema,
  type CertJobData,
  type CleanupChallengeResult,
} from '../job-data';
import { OrderOutcome } from '../order/order-outcome.service';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertStepProcessor } from './cert-step.processor';

/** The root: runs once the chain below has settled, whether it succeeded or not. */
@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.cleanupChallenge)
export class CleanupChallengeProcessor extends CertStepProcessor<CleanupChallengeResult> {
  constructor(
    private readonly outcome: OrderOutcome,
    private readonly notices: CertificateNotices,
  ) {
    super();
  }

  protected async run(
    job: StepJob<CleanupChallengeResult>,
    data: CertJobData,
  ): Promise<CleanupChallengeResult> {
    const finalized = await this.childOutcome(
      job,
      data,
      CERT_QUEUES.finalizeCertificate,
      finalizeCertificateResultSchema,
    );
    const result = await this.outcome.cleanUp(data, finalized.ok ? { ok: true } : finalized);
    // After the write: a retry writes the same status again and repeats the same notice id.
    await this.notices.flowEnded(data, result, finalized.ok ? finalized.value : undefined);
    return result;
  }
}
