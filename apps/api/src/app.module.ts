import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CertFlowModule } from '@starchart/cert-flow';
import { DnsFlowModule } from '@starchart/dns-flow';
import { redisTargetOf } from '@starchart/flow-runtime';
import { PersistenceModule } from '@starchart/persistence';
import { AdminAudit } from './admin/admin-audit';
import { AdminAuditController } from './admin/admin-audit.controller';
import { AdminAuditService } from './admin/admin-audit.service';
import { AdminRecordsController } from './admin/admin-records.controller';
import { AdminRecordsService } from './admin/admin-records.service';
import { AdminUsersController } from './admin/admin-users.controller';
import { AdminUsersService } from './admin/admin-users.service';
import { ReconcileController } from './admin/reconcile.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { CertificateEventsService } from './certificates/certificate-events.service';
import { CertificatesController } from './certificates/certificates.controller';
import { CertificatesService } from './certificates/certificates.service';
import { API_CONFIG, type ApiConfig } from './config/api-config';
import { FlowStarter } from './flows/flow-starter';
import { DatabaseReadyGuard } from './http/database-ready.guard';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ProgressStreams } from './http/progress-stream';
import { SchemaValidationPipe } from './http/schema-validation.pipe';
import { WriteRateLimitGuard } from './http/write-rate-limit.guard';
import { ProblemFilter } from './problems/problem.filter';
import { IdempotencyStore } from './records/idempotency.store';
import { RecordEventsService } from './records/record-events.service';
import { NotificationPreferencesController } from './me/notification-preferences.controller';
import { RecordsController } from './records/records.controller';
import { RecordsService } from './records/records.service';
import { API_METRICS_CONFIG, ApiMetrics } from './metrics/api-metrics';
import { ApiRedis } from './redis/api-redis';
import { TracingModule, type Tracing } from '@starchart/telemetry/tracing';
import { AccountLockGuard, AccountLocks } from './users/account-locks';
import { UserSightings, UserSightingsInterceptor } from './users/user-sightings';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, tracing?: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...(tracing ? [TracingModule.forRoot(tracing)] : []),
        // The api starts without the database and answers 503 until it is reachable.
        PersistenceModule.forRoot(config.database, { connect: 'background' }),
        // Producer side only: the api adds flows, the worker app processes them.
        DnsFlowModule.forRoot({ queue: config.queue }),
        CertFlowModule.forRoot({ queue: config.queue, budgets: config.certBudgets }),
      ],
      controllers: [
        HealthController,
        RecordsController,
        ReconcileController,
        AdminUsersController,
        AdminRecordsController,
        AdminAuditController,
        CertificatesController,
        NotificationPreferencesController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: ApiRedis, useFactory: () => new ApiRedis(redisTargetOf(config.queue)) },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config.jwt) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: DatabaseReadyGuard },
        // After the two above: it reads the database, for a verified caller only.
        { provide: APP_GUARD, useClass: AccountLockGuard },
        { provide: APP_PIPE, useClass: SchemaValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: UserSightingsInterceptor },
        UserSightings,
        AccountLocks,
        AdminAudit,
        AdminUsersService,
        AdminRecordsService,
        AdminAuditService,
        WriteRateLimitGuard,
        HealthService,
        FlowStarter,
        IdempotencyStore,
        RecordsService,
        RecordEventsService,
        ProgressStreams,
        CertificatesService,
        CertificateEventsService,
        ...(config.metrics
          ? [{ provide: API_METRICS_CONFIG, useValue: config.metrics }, ApiMetrics]
          : []),
      ],
    };
  }
}
