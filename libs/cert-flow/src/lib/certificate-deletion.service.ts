import { Injectable } from '@nestjs/common';
import { CertificatesRepository } from '@starchart/persistence';
import { X509Certificate } from 'node:crypto';
import { CertificateRevoker } from './acme/certificate-revoker';
import { CertificateGoneError } from './errors';
import { CERT_DELETE_FLOW } from './flow';
import type {
  CertDeleteJobData,
  RemoveCertificateResult,
  RevokeCertificateResult,
} from './job-data';
import { ChallengeRecords } from './order/challenge-records.service';
import type { FlowOutcome } from './order/order-outcome.service';

/**
 * The work of the delete flow's steps. Both are safe to run twice: a certificate the CA reports
 * revoked already counts as revoked, and every database write is conditional on the row still
 * being in status deleting for this flow.
 */
@Injectable()
export class CertificateDeletion {
  constructor(
    private readonly orders: CertificatesRepository,
    private readonly revoker: CertificateRevoker,
    private readonly challengeRecords: ChallengeRecords,
  ) {}

  /** revoke-certificate: the stored certificate revoked (cessationOfOperation), if there is one. */
  async revoke(job: CertDeleteJobData): Promise<RevokeCertificateResult> {
    const row = await this.orders.findById(job.certificateId);
    if (!row || row.status !== 'deleting' || row.flowId !== CERT_DELETE_FLOW.flowId(job))
      throw new CertificateGoneError(job.certificateId);
    if (row.certificatePem === null) return { outcome: 'never-issued', serial: null };
    const serial = new X509Certificate(row.certificatePem).serialNumber;
    if (!job.revoke) return { outcome: 'not-asked', serial };
    return { outcome: await this.revoker.revoke(row.certificatePem), serial };
  }

  /**
   * remove-certificate (root): once revoked, remove whatever challenge record is left and the
   * row; when the revocation failed for good, keep the certificate (still served) with why.
   */
  async remove(job: CertDeleteJobData, revoked: FlowOutcome): Promise<RemoveCertificateResult> {
    const flowId = CERT_DELETE_FLOW.flowId(job);
    if (!revoked.ok) {
      const reason =
        `Not deleted: the CA did not revoke the certificate: ${revoked.reason}. ` +
        'Delete it again to try again, or delete it with force=true to remove it without revoking.';
      const kept = await this.orders.failRevocation(job.certificateId, flowId, reason);
      return {
        outcome: kept ? 'revocation-failed' : 'gone',
        reason: kept ? reason : null,
        removedChallengeValues: 0,
      };
    }
    // No order runs while a certificate is deleting: a set at the name is a lost order's.
    const removedChallengeValues = await this.challengeRecords.remove(job.challengeName);
    const removed = await this.orders.removeDeleted(job.certificateId, flowId);
    return { outcome: removed ? 'removed' : 'gone', reason: null, removedChallengeValues };
  }
}
