export * from './lib/tracing/tracing';
export * from './lib/tracing/tracing.module';
