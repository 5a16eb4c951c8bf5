import { Inject, Injectable, Logger } from '@nestjs/common';
import { resumeStalledRows, type StalledFlowRules } from '@starchart/flow-runtime';
import { CertificatesRepository, type CertificateEntity } from '@starchart/persistence';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import { CertFlowService, toCertDeleteJobData, toCertJobData } from '../cert-flow.service';
import { CertificateNotices } from '../certificate-notices.service';
import { CERT_FLOW } from '../flow';
import type { CertFlowOp, ResumeCertificatesResult } from '../job-data';
import { ChallengeRecords } from '../order/challenge-records.service';

/**
 * The certificate safety net, the counterpart of the record reconciler's resumes: a certificate
 * pending or renewing whose flow is gone from Redis or failed (a lost order fails its root on
 * purpose), and that changed longer than the grace period ago, gets a new order: the next
 * version with a fresh flow, since an ACME order that stopped cannot be picked up again. After
 * `maxResumes` of them it ends failed with the reason, its challenge record removed, and its
 * owner is told as when a flow fails. A certificate deleting whose delete flow stopped gets a new
 * delete flow the same way, and is kept revocation-failed with the reason at the bound. A flow
 * that is broken (its root waits for a child job Redis lost) is removed from Redis and then
 * counts as stopped: the grace period and the bound apply alike.
 */
@Injectable()
export class CertificateResumer {
  private readonly logger = new Logger(CertificateResumer.name);
  private readonly rules: StalledFlowRules<CertificateEntity>;
  private readonly deleteRules: StalledFlowRules<CertificateEntity>;

  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly flows: CertFlowService,
    private readonly challengeRecords: ChallengeRecords,
    private readonly notices: CertificateNotices,
    @Inject(CERT_STEP_SETTINGS) settings: CertStepSettings,
  ) {
    this.rules = {
      graceMs: settings.resume.graceMs,
      stateOf: (row) => this.flows.getFlowState(row),
      isBroken: async (row) => (await this.flows.checkFlow(row)) === 'broken',
      removeBroken: (row) => this.removeBroken(row),
      resume: (row) => this.orderAgain(row),
      bound: {
        max: settings.resume.maxResumes,
        resumesOf: (row) => row.resumes,
        giveUp: (row, reason) => this.giveUp(row, reason),
      },
    };
    this.deleteRules = {
      ...this.rules,
      resume: (row) => this.deleteAgain(row),
      bound: {
        max: settings.resume.maxResumes,
        resumesOf: (row) => row.resumes,
        giveUp: (row, reason) => this.giveUpDeleting(row, reason),
      },
    };
  }

  async resumeStalled(): Promise<ResumeCertificatesResult> {
    const started = Date.now();
    const now = await this.certificates.now();
    const logError = (row: CertificateEntity, error: unknown): void =>
      this.logger.warn({ msg: 'could not resume certificate', certificateId: row.id, error });
    const rows = await this.certificates.findInFlight();
    const deleting = await this.certificates.findBeingDeleted();
    const tallies = [
      await resumeStalledRows(rows, now, this.rules, logError),
      await resumeStalledRows(deleting, now, this.deleteRules, logError),
    ];
    const sum = (count: (tally: (typeof tallies)[number]) => number): number =>
      tallies.reduce((total, tally) => total + count(tally), 0);
    const result: ResumeCertificatesResult = {
      scanned: rows.length + deleting.length,
      resumed: sum((tally) => tally.resumed + tally.repaired),
      gaveUp: sum((tally) => tally['gave-up']),
      skippedInFlight: sum((tally) => tally.live + tally.young + tally.unresumable),
      failed: sum((tally) => tally.errors),
      durationMs: Date.now() - started,
    };
    if (result.resumed + result.gaveUp + result.failed > 0)
      this.logger.log({ msg: 'certificate safety net', ...result });
    return result;
  }

  /** A broken flow's tree out of Redis (its root waits for a child job Redis lost). */
  private async removeBroken(row: CertificateEntity): Promise<void> {
    await this.flows.removeFlow(row);
    this.logger.warn({ msg: 'removed broken flow', certificateId: row.id, flowId: row.flowId });
  }

  /** The next version with a fresh flow of the same kind; false when the row changed meanwhile. */
  private async orderAgain(row: CertificateEntity): Promise<boolean> {
    const op = opOf(row);
    const data = toCertJobData(op, { ...row, version: row.version + 1 });
    const status = row.status === 'renewing' ? 'renewing' : 'pending';
    const flowId = this.flows.flowIdFor(data);
    if (!(await this.certificates.startOrder(row, { status, flowId, by: 'safety-net' })))
      return false;
    // After the commit, as the api does; if Redis refuses, the next run finds this version
    // without a flow once the grace period is over.
    await this.flows.start(data);
    this.logger.log({
      msg: 'ordered again',
      certificateId: row.id,
      op,
      flowId,
      resumes: row.resumes + 1,
    });
    return true;
  }

  /**
   * A delete whose flow is gone or failed: the next version with a fresh delete flow. Whether
   * it was forced is not kept, so it revokes (a refusal ends revocation-failed, to force again).
   */
  private async deleteAgain(row: CertificateEntity): Promise<boolean> {
    const data = toCertDeleteJobData(row, true);
    const flowId = this.flows.deleteFlowIdFor(data);
    if (!(await this.certificates.startDeletion(row, flowId, 'safety-net'))) return false;
    await this.flows.startDelete(data);
    this.logger.log({ msg: 'deleting again', certificateId: row.id, flowId });
    return true;
  }

  /** Kept, as a refused revocation is, with why: its owner deletes it again or forces it. */
  private async giveUpDeleting(row: CertificateEntity, why: string): Promise<void> {
    const lastFailure = await this.flows.rootFailure(row);
    const cause = `the delete did not finish: ${why}${lastFailure ? ` (last: ${lastFailure})` : ''}`;
    const reason =
      `Not deleted: ${cause}. ` +
      'Delete it again, or delete it with force=true to remove it without revoking.';
    if (!row.flowId || !(await this.certificates.failRevocation(row.id, row.flowId, reason)))
      return;
    this.logger.warn({ msg: 'gave up deleting certificate', certificateId: row.id, reason });
    // After the write, as the root does; a notice lost here is not sent again.
    await this.notices.revocationFailed(row.id, row.flowId, cause);
  }

  /** Failed with the reason, its challenge record removed; the owner hears it as from the root. */
  private async giveUp(row: CertificateEntity, why: string): Promise<void> {
    const data = toCertJobData(opOf(row), row);
    const lastFailure = await this.flows.rootFailure(row);
    const removed = await this.challengeRecords.remove(data.challengeName);
    const reason = `The order did not finish: ${why}${lastFailure ? ` (last: ${lastFailure})` : ''}. Order again.`;
    if (!(await this.certificates.failOrder(row, reason))) return;
    this.logger.warn({ msg: 'gave up on certificate', certificateId: row.id, reason });
    // After the write, as the root does; a notice lost here is not sent again.
    await this.notices.flowEnded(
      data,
      { outcome: 'failed', reason, removedChallengeValues: removed },
      undefined,
    );
  }
}

/** The kind of the certificate's current order: its flow's, else what its status says. */
function opOf(row: CertificateEntity): CertFlowOp {
  const flow = row.flowId ? CERT_FLOW.parseFlowId(row.flowId) : undefined;
  return flow?.op ?? (row.status === 'renewing' ? 'renew' : 'issue');
}
