import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1767225600000 implements MigrationInterface {
  name = 'InitialSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`dns_records\` (
        \`id\` char(36) NOT NULL,
        \`username\` varchar(64) NOT NULL,
        \`name\` varchar(253) NOT NULL,
        \`fqdn\` varchar(253) NOT NULL,
        \`type\` enum ('A', 'AAAA', 'CNAME', 'MX', 'TXT') NOT NULL,
        \`value\` varchar(4000) NOT NULL,
        \`priority\` int UNSIGNED NULL,
        \`ttl\` int UNSIGNED NOT NULL,
        \`status\` enum ('pending', 'active', 'error', 'deleting') NOT NULL,
        \`status_reason\` varchar(1024) NULL,
        \`version\` int UNSIGNED NOT NULL,
        \`flow_id\` varchar(128) NULL,
        \`change_id\` varchar(64) NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        UNIQUE INDEX \`UQ_dns_records_fqdn_type\` (\`fqdn\`, \`type\`),
        INDEX \`IDX_dns_records_username_status\` (\`username\`, \`status\`),
        INDEX \`IDX_dns_records_status_updated_at\` (\`status\`, \`updated_at\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`idempotency_keys\` (
        \`username\` varchar(64) NOT NULL,
        \`key\` varchar(128) NOT NULL,
        \`request_hash\` char(64) NOT NULL,
        \`status_code\` smallint UNSIGNED NOT NULL,
        \`response_body\` json NOT NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        INDEX \`IDX_idempotency_keys_created_at\` (\`created_at\`),
        PRIMARY KEY (\`username\`, \`key\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `idempotency_keys`');
    await queryRunner.query('DROP TABLE `dns_records`');
  }
}
