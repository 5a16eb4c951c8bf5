export * from './lib/metrics/registry';
export * from './lib/metrics/http-metrics';
export * from './lib/metrics/job-metrics';
export * from './lib/metrics/flow-metrics';
export * from './lib/metrics/route53-metrics';
export * from './lib/metrics/certificate-metrics';
export * from './lib/metrics/reconciler-metrics';
export * from './lib/metrics/metrics-server';
