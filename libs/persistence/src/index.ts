export * from './lib/database-config';
export * from './lib/data-source-options';
export * from './lib/entities/dns-record.entity';
export * from './lib/entities/idempotency-key.entity';
export * from './lib/persistence.module';
export * from './lib/run-migrations';
export { MIGRATIONS } from './migrations';
