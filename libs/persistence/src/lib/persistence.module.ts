import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from './database-config';
import { createDataSourceOptions, ENTITIES } from './data-source-options';

@Module({})
export class PersistenceModule {
  /** Global: `@InjectRepository(DnsRecordEntity)` and `DataSource` resolve in every module of the app. */
  static forRoot(config: DatabaseConfig): DynamicModule {
    const repositories = TypeOrmModule.forFeature(ENTITIES);
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...createDataSourceOptions(config),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        repositories,
      ],
      exports: [repositories],
    };
  }
}
