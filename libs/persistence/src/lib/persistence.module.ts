import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from './database-config';
import { createDataSourceOptions, ENTITIES } from './data-source-options';
import { DatabaseConnector } from './database-connector';
import { AcmeAccountsRepository } from './repositories/acme-accounts.repository';
import { AdminAuditLogRepository } from './repositories/admin-audit-log.repository';
import { AdminRecordsRepository } from './repositories/admin-records.repository';
import { AdminUsersRepository } from './repositories/admin-users.repository';
import { CertificatesRepository } from './repositories/certificates.repository';
import { DnsRecordsRepository } from './repositories/dns-records.repository';
import { IdempotencyKeysRepository } from './repositories/idempotency-keys.repository';
import { NotificationsRepository } from './repositories/notifications.repository';
import { UsersRepository } from './repositories/users.repository';

const OWN_REPOSITORIES = [
  DnsRecordsRepository,
  CertificatesRepository,
  AcmeAccountsRepository,
  IdempotencyKeysRepository,
  UsersRepository,
  AdminUsersRepository,
  AdminRecordsRepository,
  AdminAuditLogRepository,
  NotificationsRepository,
];

export interface PersistenceOptions {
  /**
   * 'boot' (default): the app does not start until the database answers (a worker has nothing
   * to do without it). 'background': the app starts at once and DatabaseConnector keeps
   * connecting, so an api can answer health checks and 503s during a database outage.
   */
  connect?: 'boot' | 'background';
}

@Module({})
export class PersistenceModule {
  /**
   * Global: `@InjectRepository(DnsRecordEntity)`, the repositories of this lib and `DataSource`
   * resolve in every module of the app.
   */
  static forRoot(
    config: DatabaseConfig,
    { connect = 'boot' }: PersistenceOptions = {},
  ): DynamicModule {
    const repositories = TypeOrmModule.forFeature(ENTITIES);
    const background = connect === 'background';
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...createDataSourceOptions(config),
          ...(background
            ? { manualInitialization: true }
            : { retryAttempts: 10, retryDelay: 1_000 }),
        }),
        repositories,
      ],
      providers: [...OWN_REPOSITORIES, ...(background ? [DatabaseConnector] : [])],
      exports: [repositories, ...OWN_REPOSITORIES, ...(background ? [DatabaseConnector] : [])],
    };
  }
}
