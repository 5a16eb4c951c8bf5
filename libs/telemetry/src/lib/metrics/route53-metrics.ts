import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

export type Route53CallOutcome = 'ok' | 'throttled' | 'error';

/**
 * Route 53 calls, batch sizes and waits for the shared rate limit. Its methods have the shape of
 * libs/route53's `Route53Observer`, so the worker passes an instance straight to the client.
 */
export class Route53Metrics {
  private readonly calls: Counter<'operation' | 'outcome'>;
  private readonly callDuration: Histogram<'operation'>;
  private readonly batchSize: Histogram;
  private readonly rateLimitWait: Histogram;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: `${METRIC_PREFIX}route53_calls_total`,
      help: 'Route 53 API requests (each attempt), by operation and outcome (ok, throttled, error)',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    });
    this.callDuration = new Histogram({
      name: `${METRIC_PREFIX}route53_call_duration_seconds`,
      help: 'Time of one Route 53 API request, by operation',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.batchSize = new Histogram({
      name: `${METRIC_PREFIX}route53_batch_size`,
      help: 'Changes per ChangeResourceRecordSets call',
      // Route 53 takes at most 1,000 changes per call.
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    });
    this.rateLimitWait = new Histogram({
      name: `${METRIC_PREFIX}route53_rate_limit_wait_seconds`,
      help: 'Time a Route 53 request waited for a slot of the rate limit shared by all workers',
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  called(operation: string, outcome: Route53CallOutcome, seconds: number): void {
    this.calls.inc({ operation, outcome });
    this.callDuration.observe({ operation }, seconds);
  }

  batchSent(changes: number): void {
    this.batchSize.observe(changes);
  }

  rateLimitWaited(seconds: number): void {
    this.rateLimitWait.observe(seconds);
  }
}
