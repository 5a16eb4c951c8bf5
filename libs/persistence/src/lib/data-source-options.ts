import * as mysql2 from 'mysql2';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from './database-config';
import { AcmeAccountEntity } from './entities/acme-account.entity';
import { AdminAuditEntryEntity } from './entities/admin-audit-entry.entity';
import { CertificateEntity } from './entities/certificate.entity';
import { DnsRecordEntity } from './entities/dns-record.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { SentNotificationEntity } from './entities/sent-notification.entity';
import { UserEntity } from './entities/user.entity';
import { MIGRATIONS } from '../migrations';

export const ENTITIES = [
  DnsRecordEntity,
  IdempotencyKeyEntity,
  CertificateEntity,
  AcmeAccountEntity,
  UserEntity,
  AdminAuditEntryEntity,
  SentNotificationEntity,
];

export type MysqlDataSourceOptions = Extract<DataSourceOptions, { type: 'mysql' | 'mariadb' }>;

export function createDataSourceOptions(config: DatabaseConfig): MysqlDataSourceOptions {
  return {
    type: 'mysql',
    // Passed explicitly so that bundlers and generated package.json files see the driver.
    driver: mysql2,
    host: config.host,
    port: config.port,
    username: config.username,
    password: config.password,
    database: config.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize: config.poolSize,
    // Schema changes only ever go through committed migrations.
    synchronize: false,
    migrationsRun: false,
    // Classes, not globs: the webpack bundle has no source tree to scan.
    entities: ENTITIES,
    migrations: MIGRATIONS,
    extra: { connectTimeout: 5_000 },
  };
}
