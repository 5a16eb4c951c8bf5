import { mysqlUrl, testStack, uniqueId } from '@starchart/testing';
import * as mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './data-source-options';
import { toDatabaseConfig } from './database-config';
import { isDatabaseUnavailable } from './database-connector';

const failureOf = (work: Promise<unknown>): Promise<unknown> =>
  work.then(
    () => {
      throw new Error('expected the query to fail');
    },
    (error: unknown) => error,
  );

describe('isDatabaseUnavailable', () => {
  const stack = testStack();
  const databaseName = `starchart_${uniqueId('dbu')}`;
  let admin: mysql.Connection;
  let dataSource: DataSource;

  beforeAll(async () => {
    admin = await mysql.createConnection(mysqlUrl(stack));
    await admin.query(`CREATE DATABASE \`${databaseName}\``);
    dataSource = new DataSource(
      createDataSourceOptions(
        toDatabaseConfig({ DATABASE_URL: mysqlUrl(stack, databaseName), DATABASE_POOL_SIZE: 2 }),
      ),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await admin.end();
  });

  it('counts a connection the server closed as unavailable, every later use of it too', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows: unknown = await runner.query('SELECT CONNECTION_ID() AS id');
      const id = Array.isArray(rows) ? (rows[0] as { id: number } | undefined)?.id : undefined;
      await admin.query('KILL CONNECTION ?', [id]);
      const lost = await failureOf(runner.query('SELECT 1'));
      const closed = await failureOf(runner.query('SELECT 1'));
      expect([isDatabaseUnavailable(lost), isDatabaseUnavailable(closed)]).toEqual([true, true]);
    } finally {
      await runner.release();
    }
  });

  it('does not count a refused query as unavailable', async () => {
    const wrong = await failureOf(dataSource.query('SELECT * FROM no_such_table'));
    expect(isDatabaseUnavailable(wrong)).toBe(false);
  });
});
