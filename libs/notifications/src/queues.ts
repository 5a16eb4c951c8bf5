// A light entry point for processes that only need the queue registry (the board): the package
// root would also load Nest into that process.
export * from './lib/queues';
