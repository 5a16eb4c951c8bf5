import type { MigrationInterface, QueryRunner } from 'typeorm';

const ADDED = ['deleting', 'revocation-failed'] as const;

/**
 * A certificate being deleted (revoked at the CA, then removed, by a worker) and one whose
 * revocation the CA refused or could not take. The status list is read from the table and
 * extended, so that this migration and others adding statuses (whichever runs first) keep each
 * other's values.
 */
export class CertificateDeletion1768100001700 implements MigrationInterface {
  name = 'CertificateDeletion1768100001700';

  async up(queryRunner: QueryRunner): Promise<void> {
    const current = await statuses(queryRunner);
    await setStatuses(queryRunner, [...current, ...ADDED.filter((s) => !current.includes(s))]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A certificate half deleted goes back to what it was served as.
    await queryRunner.query(
      "UPDATE `certificates` SET `status` = IF(`certificate_pem` IS NULL, 'failed', 'issued') WHERE `status` IN (?, ?)",
      [...ADDED],
    );
    const current = await statuses(queryRunner);
    await setStatuses(
      queryRunner,
      current.filter((status) => !ADDED.some((added) => added === status)),
    );
  }
}

async function statuses(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(
    'SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS ' +
      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'certificates' AND COLUMN_NAME = 'status'",
  )) as { type: string }[];
  const [row] = rows;
  return [...(row?.type ?? '').matchAll(/'([^']*)'/g)].flatMap(([, value]) =>
    value ? [value] : [],
  );
}

async function setStatuses(queryRunner: QueryRunner, values: string[]): Promise<void> {
  const list = values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ');
  await queryRunner.query(`ALTER TABLE \`certificates\` MODIFY \`status\` enum (${list}) NOT NULL`);
}
