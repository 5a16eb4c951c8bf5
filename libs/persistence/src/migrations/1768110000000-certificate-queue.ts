import type { MigrationInterface, QueryRunner } from 'typeorm';
import { certificateStatuses, setCertificateStatuses } from './certificate-statuses';

const ADDED = 'queued';

/**
 * New orders beyond the issuance budget wait in status `queued`, first come first served by
 * `queued_at`. The status list is read from the table and extended, like the other migrations
 * that add statuses, so that each keeps the others' values.
 */
export class CertificateQueue1768110000000 implements MigrationInterface {
  name = 'CertificateQueue1768110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const current = await certificateStatuses(queryRunner);
    if (!current.includes(ADDED)) await setCertificateStatuses(queryRunner, [...current, ADDED]);
    await queryRunner.query(
      'ALTER TABLE `certificates` ADD `queued_at` datetime(3) NULL AFTER `private_key_encrypted`',
    );
    await queryRunner.query(
      'CREATE INDEX `IDX_certificates_status_queued_at` ON `certificates` (`status`, `queued_at`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_certificates_status_queued_at` ON `certificates`');
    await queryRunner.query('ALTER TABLE `certificates` DROP COLUMN `queued_at`');
    // A queued order never reached the CA: it ends failed, to be ordered again.
    await queryRunner.query(
      "UPDATE `certificates` SET `status` = 'failed', `status_reason` = 'The order was queued for the issuance budget, which this version does not have; order again.' WHERE `status` = ?",
      [ADDED],
    );
    const current = await certificateStatuses(queryRunner);
    await setCertificateStatuses(
      queryRunner,
      current.filter((status) => status !== ADDED),
    );
  }
}
