import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's records in the order the list pages them (fqdn, type): the list, its search by the
 * start of a name and its cursor read one index range, without sorting, at any table size.
 */
export class RecordsSearchIndex1767660000000 implements MigrationInterface {
  name = 'RecordsSearchIndex1767660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX `IDX_dns_records_username_fqdn_type` ON `dns_records` (`username`, `fqdn`, `type`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_dns_records_username_fqdn_type` ON `dns_records`');
  }
}
