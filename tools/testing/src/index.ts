export * from './lib/stack';
export * from './lib/unique';
export * from './lib/zone';
export * from './lib/private-stack';
export * from './lib/dns';
