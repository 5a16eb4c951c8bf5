import { Injectable } from '@nestjs/common';
import { DependencyFailedError } from '@starchart/flow-runtime';
import { CertificatesRepository, MAX_CERTIFICATE_REASON_LENGTH } from '@starchart/persistence';
import { isOrderLost } from '../errors';
import { certFlowIdFor } from '../flow';
import type { CertJobData, CleanupChallengeResult } from '../job-data';
import { ChallengeRecords } from './challenge-records.service';

/** How the chain below the root ended, as the root sees it. */
export type FlowOutcome = { ok: true } | { ok: false; reason: string };

/**
 * cleanup-challenge (root): remove the challenge TXT set whatever happened below, then write
 * issued or failed, only while the row still belongs to this flow (a retry writes the same).
 */
@Injectable()
export class OrderOutcome {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly challengeRecords: ChallengeRecords,
  ) {}

  /**
   * The name belongs to this flow alone (one order per user at a time), so whatever set is there
   * now is this flow's to remove. A lost order writes nothing: this job fails, and the safety
   * net orders again.
   */
  async cleanUp(job: CertJobData, outcome: FlowOutcome): Promise<CleanupChallengeResult> {
    const removed = await this.challengeRecords.remove(job.challengeName);
    if (!outcome.ok && isOrderLost(outcome.reason)) throw new DependencyFailedError(outcome.reason);
    const flowId = certFlowIdFor(job);
    if (outcome.ok) {
      const issued = await this.certificates.markIssued(job.certificateId, flowId);
      return {
        outcome: issued ? 'issued' : 'gone',
        reason: null,
        removedChallengeValues: removed,
      };
    }
    const reason = outcome.reason.slice(0, MAX_CERTIFICATE_REASON_LENGTH);
    const failed = await this.certificates.markFailed(job.certificateId, flowId, reason, {
      renewal: job.op === 'renew',
    });
    return { outcome: failed ? 'failed' : 'gone', reason, removedChallengeValues: removed };
  }
}
