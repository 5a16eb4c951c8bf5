export * from './lib/client';
export * from './lib/problem';
export * from './lib/progress';
