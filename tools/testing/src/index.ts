export * from './lib/stack';
export * from './lib/unique';
export * from './lib/zone';
export * from './lib/private-stack';
export * from './lib/dns';
export * from './lib/dev-idp';
export * from './lib/sign-in';
export * from './lib/maildev';
