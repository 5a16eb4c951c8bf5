import { DataSource } from 'typeorm';
import type { DatabaseConfig } from './database-config';
import { createDataSourceOptions } from './data-source-options';

// TypeORM does not serialise concurrent migration runs; a MySQL named lock does, across processes.
const MIGRATION_LOCK = 'starchart_migrations';
const MIGRATION_LOCK_TIMEOUT_S = 60;

export class MigrationLockError extends Error {
  readonly retryable = true;
}

/** Applies the pending migrations and returns their names, oldest first. */
export async function runMigrations(config: DatabaseConfig): Promise<string[]> {
  const dataSource = new DataSource(createDataSourceOptions(config));
  await dataSource.initialize();
  const lockHolder = dataSource.createQueryRunner();
  try {
    const [lock] = (await lockHolder.query('SELECT GET_LOCK(?, ?) AS acquired', [
      MIGRATION_LOCK,
      MIGRATION_LOCK_TIMEOUT_S,
    ])) as { acquired: number | null }[];
    if (lock?.acquired !== 1) {
      throw new MigrationLockError(
        `another process held the ${MIGRATION_LOCK} lock for ${MIGRATION_LOCK_TIMEOUT_S} s`,
      );
    }
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lockHolder.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await lockHolder.release();
    await dataSource.destroy();
  }
}
