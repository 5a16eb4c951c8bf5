export * from './lib/database-config';
export * from './lib/data-source-options';
export * from './lib/persistence.module';
