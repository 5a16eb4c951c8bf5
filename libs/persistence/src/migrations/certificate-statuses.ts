import type { QueryRunner } from 'typeorm';

/**
 * The values of `certificates.status` as the table has them now. Migrations that add statuses
 * read the list and extend it (or take their values out again), so that each keeps the values
 * the others added, whichever ran first.
 */
export async function certificateStatuses(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(
    'SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS ' +
      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'certificates' AND COLUMN_NAME = 'status'",
  )) as { type: string }[];
  const [row] = rows;
  return [...(row?.type ?? '').matchAll(/'([^']*)'/g)].flatMap(([, value]) =>
    value ? [value] : [],
  );
}

/** Redefines `certificates.status` with exactly these values. */
export async function setCertificateStatuses(
  queryRunner: QueryRunner,
  values: readonly string[],
): Promise<void> {
  const list = values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ');
  await queryRunner.query(`ALTER TABLE \`certificates\` MODIFY \`status\` enum (${list}) NOT NULL`);
}
