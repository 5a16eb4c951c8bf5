import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The CA's suggested renewal window (ARI, RFC 9773) for the stored certificate, and when to ask again. */
export class CertificateRenewalInfo1768100001701 implements MigrationInterface {
  name = 'CertificateRenewalInfo1768100001701';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `certificates` ADD `ari_window_start` datetime(3) NULL, ' +
        'ADD `ari_window_end` datetime(3) NULL, ADD `ari_next_poll_at` datetime(3) NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `certificates` DROP COLUMN `ari_window_start`, DROP COLUMN `ari_window_end`, ' +
        'DROP COLUMN `ari_next_poll_at`',
    );
  }
}
