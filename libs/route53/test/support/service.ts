import { Redis } from 'ioredis';
import {
  Route53Service,
  type Route53Config,
  type Route53Observer,
  type RetryPolicy,
} from '../../src';

/** The emulator checks signatures loosely; the SDK still needs some credentials to sign with. */
export function useDummyCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] ??= 'starchart-test';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'starchart-test';
}

export function testConfig(
  apiUrl: string,
  hostedZoneId: string,
  overrides: Partial<Route53Config> = {},
): Route53Config {
  return {
    endpoint: apiUrl,
    region: 'us-east-1',
    hostedZoneId,
    ratePerSecond: 5,
    batchWindowMs: 20,
    batching: true,
    ...overrides,
  };
}

export function createService(options: {
  config: Route53Config;
  redisUrl: string;
  keyPrefix: string;
  retryPolicy?: RetryPolicy;
  observer?: Route53Observer;
}): Route53Service {
  useDummyCredentials();
  return Route53Service.create({
    config: options.config,
    redis: {
      open: () => new Redis(options.redisUrl, { connectionName: 'starchart-route53' }),
      keyPrefix: options.keyPrefix,
    },
    retryPolicy: options.retryPolicy,
    observer: options.observer,
  });
}

/** Removes every key a test wrote under its prefix. */
export async function deleteKeys(redisUrl: string, keyPrefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${keyPrefix}*`, count: 500 })) {
      keys.push(...(batch as string[]));
    }
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

/** Polls until every change id reads INSYNC; returns how many polling rounds that took. */
export async function waitForInsync(
  service: Route53Service,
  changeIds: readonly string[],
  { intervalMs = 200, timeoutMs = 15_000 } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 1; ; round += 1) {
    const statuses = await Promise.all(changeIds.map((id) => service.getChangeStatus(id)));
    if (statuses.every((status) => status === 'INSYNC')) return round;
    if (Date.now() > deadline) throw new Error(`changes still PENDING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
