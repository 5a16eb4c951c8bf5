export * from './lib/errors';
export * from './lib/flow-adder';
export * from './lib/flow-workers';
export * from './lib/job-options';
export * from './lib/job-progress';
export * from './lib/redis-connection';
export * from './lib/trace-context';
