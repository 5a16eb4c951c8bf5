// A light entry point for the one Redis client factory (the board uses it): the package root
// would also load Nest and the BullMQ workers into that process.
export * from './lib/redis-connection';
