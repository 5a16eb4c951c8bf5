// A light entry point for processes that only need the queue registry (the board): importing
// the package root would also load acme-client, TypeORM and the flow's Nest modules.
export * from './lib/queues';
