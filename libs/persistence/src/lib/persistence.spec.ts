import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InjectRepository } from '@nestjs/typeorm';
import { mysqlUrl, testStack, uniqueId } from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import * as mysql from 'mysql2/promise';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import { createDataSourceOptions } from './data-source-options';
import { toDatabaseConfig, type DatabaseConfig } from './database-config';
import { DnsRecordEntity } from './entities/dns-record.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { PersistenceModule } from './persistence.module';
import { MIGRATIONS } from '../migrations';
import { runMigrations } from './run-migrations';

/** A database of this file's own on the test MariaDB (the stack's user may create starchart_%). */
describe('persistence', () => {
  const stack = testStack();
  const databaseName = `starchart_${uniqueId('p')}`;
  const config: DatabaseConfig = toDatabaseConfig({
    DATABASE_URL: mysqlUrl(stack, databaseName),
    DATABASE_POOL_SIZE: 2,
  });
  let server: mysql.Connection;
  let dataSource: DataSource;

  beforeAll(async () => {
    server = await mysql.createConnection(mysqlUrl(stack));
    await server.query(`CREATE DATABASE \`${databaseName}\``);
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await server.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await server.end();
  });

  it('applies every migration once and none on a second run', async () => {
    // Every migration in MIGRATIONS, oldest first: a new one only needs adding there.
    await expect(runMigrations(config)).resolves.toEqual(
      MIGRATIONS.map((migration) => migration.name),
    );
    expect(MIGRATIONS.map((migration) => migration.name)).toEqual(
      [...MIGRATIONS.map((migration) => migration.name)].sort(
        (a, b) => Number(/\d+$/.exec(a)?.[0]) - Number(/\d+$/.exec(b)?.[0]),
      ),
    );
    expect(MIGRATIONS[0]?.name).toBe('InitialSchema1767225600000');
    await expect(runMigrations(config)).resolves.toEqual([]);
  });

  it('has migrations that build exactly the schema the entities describe', async () => {
    // TypeORM reads MariaDB's information_schema correctly only with its 'mariadb' dialect.
    const [[row]] = await server.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
    const type = String(row?.['version']).includes('MariaDB') ? 'mariadb' : 'mysql';
    dataSource = await new DataSource({ ...createDataSourceOptions(config), type }).initialize();
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('refuses a second record with the same name and type', async () => {
    const records = dataSource.getRepository(DnsRecordEntity);
    const fqdn = `www.${uniqueId('u')}.starchart.test`;
    await records.insert(record({ fqdn }));
    await expect(records.insert(record({ fqdn }))).rejects.toThrow(QueryFailedError);
    await expect(
      records.insert(record({ fqdn, type: 'AAAA', value: '2001:db8::1' })),
    ).resolves.toBeDefined();
  });

  it('refreshes updated_at to the millisecond on every update, and leaves created_at alone', async () => {
    const records = dataSource.getRepository(DnsRecordEntity);
    const id = randomUUID();
    await records.insert(record({ id, fqdn: `ms.${uniqueId('u')}.starchart.test` }));
    const inserted = await records.findOneByOrFail({ id });
    // The database and this process read the same clock; a value cut to the second would
    // fall before `before` in all but one case in a thousand.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = Date.now();
    await records.update({ id }, { status: 'active' });
    const updated = await records.findOneByOrFail({ id });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(updated.createdAt).toEqual(inserted.createdAt);
  });

  it('keeps a JSON response body of an idempotency key as it was stored', async () => {
    const keys = dataSource.getRepository(IdempotencyKeyEntity);
    const body = { id: randomUUID(), status: 'pending', nested: [1, 'two', null] };
    await keys.insert({
      username: 'alice',
      key: uniqueId('k'),
      requestHash: 'a'.repeat(64),
      statusCode: 202,
      responseBody: body,
    });
    const [stored] = await keys.findBy({ username: 'alice' });
    expect(stored?.responseBody).toEqual(body);
  });

  it('lets any module of the app inject the repositories', async () => {
    @Injectable()
    class Consumer {
      constructor(
        @InjectRepository(DnsRecordEntity) readonly records: Repository<DnsRecordEntity>,
        @InjectRepository(IdempotencyKeyEntity) readonly keys: Repository<IdempotencyKeyEntity>,
      ) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    const app = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot(config), FeatureModule],
    }).compile();
    try {
      await expect(app.get(Consumer).records.count()).resolves.toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});

function record(overrides: Partial<DnsRecordEntity>): Partial<DnsRecordEntity> {
  return {
    id: randomUUID(),
    username: 'alice',
    name: 'www',
    fqdn: 'www.alice.starchart.test',
    type: 'A',
    value: '192.0.2.10',
    priority: null,
    ttl: 300,
    status: 'pending',
    statusReason: null,
    version: 1,
    flowId: null,
    changeId: null,
    ...overrides,
  };
}
