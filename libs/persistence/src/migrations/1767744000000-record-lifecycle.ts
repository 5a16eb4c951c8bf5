import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records expire: `expires_at` (their last create, update or renew plus the lifetime), indexed
 * for the expiry run, and `expiry_warned_days`, the nearest warning already sent for that expiry
 * date (a renew clears it). Existing rows get 180 days from their last change; a row written
 * without a value (a flow's fallback insert, a seeded test row) gets 180 days from now.
 */
export class RecordLifecycle1767744000000 implements MigrationInterface {
  name = 'RecordLifecycle1767744000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `dns_records` ' +
        'ADD `expires_at` datetime(3) NOT NULL DEFAULT (current_timestamp(3) + interval 180 day), ' +
        'ADD `expiry_warned_days` smallint unsigned NULL',
    );
    await queryRunner.query(
      'UPDATE `dns_records` SET `expires_at` = `updated_at` + INTERVAL 180 DAY',
    );
    await queryRunner.query(
      'CREATE INDEX `IDX_dns_records_expires_at` ON `dns_records` (`expires_at`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_dns_records_expires_at` ON `dns_records`');
    await queryRunner.query(
      'ALTER TABLE `dns_records` DROP COLUMN `expiry_warned_days`, DROP COLUMN `expires_at`',
    );
  }
}
