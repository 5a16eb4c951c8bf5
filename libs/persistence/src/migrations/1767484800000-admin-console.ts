import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminConsole1767484800000 implements MigrationInterface {
  name = 'AdminConsole1767484800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`admin_audit_log\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`actor\` varchar(64) NOT NULL,
        \`action\` enum ('user.lock', 'user.unlock', 'user.quota', 'user.delete', 'record.retry', 'reconcile.run') NOT NULL,
        \`target_username\` varchar(64) NULL,
        \`target_record_id\` char(36) NULL,
        \`request_id\` varchar(128) NOT NULL,
        \`outcome\` enum ('succeeded', 'failed') NOT NULL,
        \`detail\` varchar(1024) NULL,
        INDEX \`IDX_admin_audit_log_target_username\` (\`target_username\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    // Append-only in the database itself, not only by having no code path that changes a row.
    for (const event of ['UPDATE', 'DELETE']) {
      await queryRunner.query(
        `CREATE TRIGGER \`admin_audit_log_no_${event.toLowerCase()}\` BEFORE ${event} ON \`admin_audit_log\`
         FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'admin_audit_log is append-only'`,
      );
    }
    // Records across all users, newest change first: keyset pages over (updated_at, id), alone
    // or per owner (per status uses IDX_dns_records_status_updated_at).
    await queryRunner.query(
      'CREATE INDEX `IDX_dns_records_updated_at` ON `dns_records` (`updated_at`)',
    );
    await queryRunner.query(
      'CREATE INDEX `IDX_dns_records_username_updated_at` ON `dns_records` (`username`, `updated_at`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_dns_records_username_updated_at` ON `dns_records`');
    await queryRunner.query('DROP INDEX `IDX_dns_records_updated_at` ON `dns_records`');
    await queryRunner.query('DROP TABLE `admin_audit_log`');
  }
}
