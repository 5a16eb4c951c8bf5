import { type DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '@starchart/persistence';
import type { ApiConfig } from './config/api-config';
import { HealthController } from './health/health.controller';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PersistenceModule.forRoot(config.database)],
      controllers: [HealthController],
    };
  }
}
