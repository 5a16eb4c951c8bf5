import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from './database-config';
import { createDataSourceOptions } from './data-source-options';

@Module({})
export class PersistenceModule {
  static forRoot(config: DatabaseConfig): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...createDataSourceOptions(config),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
