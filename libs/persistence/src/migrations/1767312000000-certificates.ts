import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Certificates1767312000000 implements MigrationInterface {
  name = 'Certificates1767312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`certificates\` (
        \`id\` char(36) NOT NULL,
        \`username\` varchar(64) NOT NULL,
        \`domains\` json NOT NULL,
        \`status\` enum ('pending', 'issued', 'failed', 'renewing') NOT NULL,
        \`status_reason\` varchar(1024) NULL,
        \`version\` int UNSIGNED NOT NULL,
        \`flow_id\` varchar(160) NULL,
        \`certificate_pem\` text NULL,
        \`chain_pem\` text NULL,
        \`private_key_encrypted\` text NULL,
        \`valid_from\` datetime(3) NULL,
        \`valid_to\` datetime(3) NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        UNIQUE INDEX \`UQ_certificates_username\` (\`username\`),
        INDEX \`IDX_certificates_status_valid_to\` (\`status\`, \`valid_to\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`acme_accounts\` (
        \`directory_url\` varchar(255) NOT NULL,
        \`account_key_encrypted\` text NOT NULL,
        \`account_url\` varchar(512) NOT NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (\`directory_url\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `acme_accounts`');
    await queryRunner.query('DROP TABLE `certificates`');
  }
}
