import type { EntityManager } from 'typeorm';
import { CertificateEntity } from './entities/certificate.entity';

export interface CertificateHealth {
  /** The soonest expiry of any stored certificate; null when none is stored. */
  earliestExpiry: Date | null;
  /** Certificates whose latest order failed while an earlier certificate is still stored. */
  failedRenewals: number;
  /** Certificates kept because the CA did not revoke them when they were deleted. */
  failedRevocations: number;
  /** New orders waiting for the issuance budget (status queued). */
  queued: number;
  /** When the order longest in the queue was queued; null while none waits. */
  oldestQueuedAt: Date | null;
}

/** What the operators' metrics read of the certificates table, in one query. */
export async function readCertificateHealth(manager: EntityManager): Promise<CertificateHealth> {
  const row = await manager
    .createQueryBuilder(CertificateEntity, 'certificate')
    .select('MIN(certificate.validTo)', 'earliestExpiry')
    .addSelect(
      `COALESCE(SUM(certificate.status = 'failed' AND certificate.validTo IS NOT NULL), 0)`,
      'failedRenewals',
    )
    .addSelect(`COALESCE(SUM(certificate.status = 'revocation-failed'), 0)`, 'failedRevocations')
    .addSelect(`COALESCE(SUM(certificate.status = 'queued'), 0)`, 'queued')
    .addSelect(
      `MIN(CASE WHEN certificate.status = 'queued' THEN certificate.queuedAt END)`,
      'oldestQueuedAt',
    )
    .getRawOne<{
      earliestExpiry: Date | string | null;
      failedRenewals: number | string;
      failedRevocations: number | string;
      queued: number | string;
      oldestQueuedAt: Date | string | null;
    }>();
  const earliest = row?.earliestExpiry ?? null;
  const oldestQueued = row?.oldestQueuedAt ?? null;
  return {
    earliestExpiry: earliest === null ? null : new Date(earliest),
    failedRenewals: Number(row?.failedRenewals ?? 0),
    failedRevocations: Number(row?.failedRevocations ?? 0),
    queued: Number(row?.queued ?? 0),
    oldestQueuedAt: oldestQueued === null ? null : new Date(oldestQueued),
  };
}
