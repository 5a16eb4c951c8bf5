import { z } from 'zod';

/** Environment fragment every app that talks to Route 53 composes into its own config schema. */
export const route53EnvSchema = z.object({
  AWS_ENDPOINT_URL_ROUTE_53: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional()
    .describe('Route 53 endpoint; unset means AWS itself'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  ROUTE53_HOSTED_ZONE_ID: z.string().regex(/^(\/hostedzone\/)?[A-Za-z0-9]+$/, {
    error: "must be a hosted zone id such as 'Z0123456789ABC' or '/hostedzone/Z0123456789ABC'",
  }),
  ROUTE53_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(5),
  ROUTE53_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(10_000).default(50),
  ROUTE53_BUSY_BATCH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  ROUTE53_BATCHING: z.enum(['on', 'off']).default('on'),
  ROUTE53_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export interface Route53Config {
  /** Base URL of a Route 53-compatible API; undefined talks to AWS. */
  endpoint?: string;
  region: string;
  /** With or without the '/hostedzone/' prefix. */
  hostedZoneId: string;
  /** API calls per second shared by every process that uses the same Redis key prefix. */
  ratePerSecond: number;
  /** How long the first change of a batch waits for others to join it. */
  batchWindowMs: number;
  /** Under load, the least time between two batches of one process; undefined or 0: none. */
  busyBatchIntervalMs?: number;
  /** false: one ChangeResourceRecordSets per change and uncached GetChange (for benchmarks). */
  batching: boolean;
  /** Connection and response timeout of one HTTP request; 10 s when undefined. */
  requestTimeoutMs?: number;
}

export function toRoute53Config(env: z.infer<typeof route53EnvSchema>): Route53Config {
  return {
    endpoint: env.AWS_ENDPOINT_URL_ROUTE_53,
    region: env.AWS_REGION,
    hostedZoneId: env.ROUTE53_HOSTED_ZONE_ID,
    ratePerSecond: env.ROUTE53_RATE_PER_SECOND,
    batchWindowMs: env.ROUTE53_BATCH_WINDOW_MS,
    busyBatchIntervalMs: env.ROUTE53_BUSY_BATCH_INTERVAL_MS,
    batching: env.ROUTE53_BATCHING === 'on',
    requestTimeoutMs: env.ROUTE53_REQUEST_TIMEOUT_MS,
  };
}
