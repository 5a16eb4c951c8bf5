import { Inject, Injectable, Optional } from '@nestjs/common';
import { NOTICE_SINK, type Notice, type NoticeSink } from '@starchart/flow-runtime';
import { CertificatesRepository } from '@starchart/persistence';
import { certFlowIdFor } from './flow';
import type { CertJobData, CleanupChallengeResult, FinalizeCertificateResult } from './job-data';

const DAY_MS = 86_400_000;
/** A certificate this close to its end with no successful renewal is worth a mail. */
export const EXPIRING_NOTICE_DAYS = 14;

/** What the certificate flows and the renewal run tell the certificate's owner. */
@Injectable()
export class CertificateNotices {
  constructor(
    private readonly certificates: CertificatesRepository,
    @Optional() @Inject(NOTICE_SINK) private readonly notices?: NoticeSink,
  ) {}

  /** After the root wrote issued or failed: the owner hears how their order or renewal ended. */
  async flowEnded(
    job: CertJobData,
    result: CleanupChallengeResult,
    finalized: FinalizeCertificateResult | undefined,
  ): Promise<void> {
    if (!this.notices || result.outcome === 'gone') return;
    const certificate = {
      username: job.username,
      certificateId: job.certificateId,
      domains: job.domains,
    };
    const flowId = certFlowIdFor(job);
    const reason = result.reason ?? 'unknown';
    let notice: Notice;
    if (result.outcome === 'issued' && finalized) {
      notice = { kind: 'certificate-issued', ...certificate, validTo: finalized.validTo };
    } else if (result.outcome === 'issued') {
      return;
    } else if (job.op === 'renew') {
      // A failed renewal stored nothing: the row's validTo is still the certificate in use.
      const row = await this.certificates.findById(job.certificateId);
      if (!row?.validTo) return;
      notice = {
        kind: 'certificate-renewal-failed',
        ...certificate,
        flowId,
        reason,
        validTo: row.validTo.toISOString(),
      };
    } else {
      notice = { kind: 'certificate-failed', ...certificate, flowId, reason };
    }
    await this.notices.notify(notice);
  }

  /**
   * After a delete flow (`flowId`) kept the certificate in revocation-failed: its owner hears it
   * was not revoked, why, and until when it stays valid. Read from the row, so a retried step
   * (whose write found the row kept already) repeats the same notice id, and a certificate a
   * newer delete took over, or removed, tells nobody.
   */
  async revocationFailed(certificateId: string, flowId: string, reason: string): Promise<void> {
    if (!this.notices) return;
    const row = await this.certificates.findById(certificateId);
    if (row?.status !== 'revocation-failed' || row.flowId !== flowId || !row.validTo) return;
    await this.notices.notify({
      kind: 'certificate-revocation-failed',
      username: row.username,
      certificateId: row.id,
      domains: row.domains,
      flowId,
      reason,
      validTo: row.validTo.toISOString(),
    });
  }

  /**
   * Certificates that end within EXPIRING_NOTICE_DAYS: a successful renewal would have moved
   * their validTo, so none of these has one. One notice per certificate and validTo.
   */
  async expiringSoon(now: number): Promise<number> {
    if (!this.notices) return 0;
    // Issued: its renewal never started; failed: its renewal failed. Renewing ones may yet succeed.
    const soon = await this.certificates.findEnding(
      new Date(now),
      new Date(now + EXPIRING_NOTICE_DAYS * DAY_MS),
      ['issued', 'failed'],
    );
    for (const row of soon) {
      if (!row.validTo) continue;
      await this.notices.notify({
        kind: 'certificate-expiring',
        username: row.username,
        certificateId: row.id,
        domains: row.domains,
        validTo: row.validTo.toISOString(),
      });
    }
    return soon.length;
  }
}
