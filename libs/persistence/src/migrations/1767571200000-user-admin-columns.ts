import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The admin console's columns on the users table (Users1767398400000 creates the table). */
export class UserAdminColumns1767571200000 implements MigrationInterface {
  name = 'UserAdminColumns1767571200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`users\`
        ADD \`locked_at\` datetime(3) NULL,
        ADD \`locked_reason\` varchar(500) NULL,
        ADD \`quota_override\` int UNSIGNED NULL,
        ADD INDEX \`IDX_users_email\` (\`email\`)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`users\` DROP INDEX \`IDX_users_email\`, DROP \`quota_override\`,
        DROP \`locked_reason\`, DROP \`locked_at\``,
    );
  }
}
