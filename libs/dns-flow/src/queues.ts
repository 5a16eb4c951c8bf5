// A light entry point for processes that only need the queue registry and its config (the
// board): importing the package root would also load the flow's Nest modules and their
// dependencies into that process and its deployment.
export * from './lib/queue-config';
export * from './lib/queues';
