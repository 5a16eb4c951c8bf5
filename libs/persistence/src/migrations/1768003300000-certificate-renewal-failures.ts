import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Renewals of a certificate that failed in a row: the renewal run's backoff grows with it. */
export class CertificateRenewalFailures1768003300000 implements MigrationInterface {
  name = 'CertificateRenewalFailures1768003300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `certificates` ADD `renewal_failures` int unsigned NOT NULL DEFAULT 0 AFTER `resumes`',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `certificates` DROP COLUMN `renewal_failures`');
  }
}
