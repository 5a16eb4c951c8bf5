import { mysqlUrl, testStack, uniqueId } from '@starchart/testing';
import * as mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import {
  createDataSourceOptions,
  type MysqlDataSourceOptions,
} from '../../src/lib/data-source-options';
import { toDatabaseConfig } from '../../src/lib/database-config';
import { runMigrations } from '../../src/lib/run-migrations';

export interface MigratedDatabase {
  dataSource: DataSource;
  /** Closes the data source and drops the database. */
  drop(): Promise<void>;
}

/**
 * A database of the calling spec's own on the test stack's MariaDB (its user may create
 * starchart_%), with every migration applied, as the apps run them.
 */
export async function migratedDatabase(
  prefix: string,
  options: Pick<MysqlDataSourceOptions, 'logging' | 'logger'> = {},
): Promise<MigratedDatabase> {
  const stack = testStack();
  const databaseName = `starchart_${uniqueId(prefix)}`;
  const config = toDatabaseConfig({
    DATABASE_URL: mysqlUrl(stack, databaseName),
    DATABASE_POOL_SIZE: 2,
  });
  const server = await mysql.createConnection(mysqlUrl(stack));
  await server.query(`CREATE DATABASE \`${databaseName}\``);
  await runMigrations(config);
  const dataSource = await new DataSource({
    ...createDataSourceOptions(config),
    ...options,
  }).initialize();
  return {
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await server.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
      await server.end();
    },
  };
}
