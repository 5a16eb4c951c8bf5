import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How often the safety net started a certificate's order again; the bound it checks. */
export class CertificateResumes1767830400000 implements MigrationInterface {
  name = 'CertificateResumes1767830400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `certificates` ADD `resumes` int unsigned NOT NULL DEFAULT 0 AFTER `flow_id`',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `certificates` DROP COLUMN `resumes`');
  }
}
