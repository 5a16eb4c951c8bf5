export * from './lib/errors';
export * from './lib/notification-config';
export * from './lib/queues';
export * from './lib/render';
