import type { MigrationInterface, QueryRunner } from 'typeorm';
import { certificateStatuses, setCertificateStatuses } from './certificate-statuses';

const ADDED = ['deleting', 'revocation-failed'] as const;

/**
 * A certificate being deleted (revoked at the CA, then removed, by a worker) and one whose
 * revocation the CA refused or could not take. The status list is read from the table and
 * extended, so that this migration and others adding statuses (whichever runs first) keep each
 * other's values.
 */
export class CertificateDeletion1768100001700 implements MigrationInterface {
  name = 'CertificateDeletion1768100001700';

  async up(queryRunner: QueryRunner): Promise<void> {
    const current = await certificateStatuses(queryRunner);
    await setCertificateStatuses(queryRunner, [
      ...current,
      ...ADDED.filter((s) => !current.includes(s)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A certificate half deleted goes back to what it was served as.
    await queryRunner.query(
      "UPDATE `certificates` SET `status` = IF(`certificate_pem` IS NULL, 'failed', 'issued') WHERE `status` IN (?, ?)",
      [...ADDED],
    );
    const current = await certificateStatuses(queryRunner);
    await setCertificateStatuses(
      queryRunner,
      current.filter((status) => !ADDED.some((added) => added === status)),
    );
  }
}
