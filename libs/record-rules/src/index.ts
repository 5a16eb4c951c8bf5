export * from './lib/record-rules';
