import type { MigrationInterface, QueryRunner } from 'typeorm';

/** CAA and SRV records: two more types, and the weight and port of an SRV record. */
export class CaaSrvRecords1768091234000 implements MigrationInterface {
  name = 'CaaSrvRecords1768091234000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "ALTER TABLE `dns_records` MODIFY `type` enum ('A', 'AAAA', 'CAA', 'CNAME', 'MX', 'SRV', 'TXT') NOT NULL",
    );
    await queryRunner.query(
      'ALTER TABLE `dns_records` ADD `weight` smallint unsigned NULL AFTER `priority`, ' +
        'ADD `port` smallint unsigned NULL AFTER `weight`',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Rows of the new types cannot live in the old enum.
    await queryRunner.query("DELETE FROM `dns_records` WHERE `type` IN ('CAA', 'SRV')");
    await queryRunner.query('ALTER TABLE `dns_records` DROP COLUMN `port`, DROP COLUMN `weight`');
    await queryRunner.query(
      "ALTER TABLE `dns_records` MODIFY `type` enum ('A', 'AAAA', 'CNAME', 'MX', 'TXT') NOT NULL",
    );
  }
}
