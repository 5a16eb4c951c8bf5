export * from './lib/stack';
export * from './lib/unique';
