import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: `sent_notifications`, what became of each notice (so none is sent twice), and
 * `users.notifications_off`, the kinds a person turned off (comma-separated; empty: all on).
 */
export class Notifications1767916800000 implements MigrationInterface {
  name = 'Notifications1767916800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`sent_notifications\` (
        \`id\` varchar(191) NOT NULL,
        \`username\` varchar(64) NOT NULL,
        \`kind\` varchar(40) NOT NULL,
        \`status\` enum('sending', 'sent', 'skipped', 'failed') NOT NULL,
        \`reason\` varchar(1024) NULL,
        \`attempts\` int unsigned NOT NULL DEFAULT 0,
        \`message_id\` varchar(255) NULL,
        \`sent_at\` datetime(3) NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        INDEX \`IDX_sent_notifications_username_created_at\` (\`username\`, \`created_at\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      "ALTER TABLE `users` ADD `notifications_off` varchar(512) NOT NULL DEFAULT ''",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `users` DROP COLUMN `notifications_off`');
    await queryRunner.query('DROP TABLE `sent_notifications`');
  }
}
