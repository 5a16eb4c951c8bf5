// A light entry point for the flow tables and queue registries (the board reads them): the
// package root would also load Nest and the BullMQ workers into that process.
export * from './lib/flow-table';
export * from './lib/job-options';
export * from './lib/notices';
