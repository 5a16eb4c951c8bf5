import { route53EnvSchema, toRoute53Config } from './route53-config';

describe('route53EnvSchema', () => {
  it('fills in the defaults and leaves the endpoint to AWS when unset', () => {
    const config = toRoute53Config(route53EnvSchema.parse({ ROUTE53_HOSTED_ZONE_ID: 'Z123' }));
    expect(config).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      hostedZoneId: 'Z123',
      ratePerSecond: 5,
      batchWindowMs: 50,
      busyBatchIntervalMs: 2_000,
      batching: true,
      requestTimeoutMs: 10_000,
    });
  });

  it('reads the emulator endpoint, numbers and naive mode from strings', () => {
    const config = toRoute53Config(
      route53EnvSchema.parse({
        AWS_ENDPOINT_URL_ROUTE_53: 'http://127.0.0.1:4580',
        ROUTE53_HOSTED_ZONE_ID: '/hostedzone/Z123',
        ROUTE53_RATE_PER_SECOND: '10',
        ROUTE53_BATCH_WINDOW_MS: '0',
        ROUTE53_BUSY_BATCH_INTERVAL_MS: '0',
        ROUTE53_BATCHING: 'off',
      }),
    );
    expect(config).toMatchObject({
      endpoint: 'http://127.0.0.1:4580',
      hostedZoneId: '/hostedzone/Z123',
      ratePerSecond: 10,
      batchWindowMs: 0,
      busyBatchIntervalMs: 0,
      batching: false,
    });
  });

  it('names each bad variable', () => {
    const result = route53EnvSchema.safeParse({
      AWS_ENDPOINT_URL_ROUTE_53: 'not a url',
      ROUTE53_RATE_PER_SECOND: 'fast',
      ROUTE53_BATCHING: 'yes',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'AWS_ENDPOINT_URL_ROUTE_53',
      'ROUTE53_BATCHING',
      'ROUTE53_HOSTED_ZONE_ID',
      'ROUTE53_RATE_PER_SECOND',
    ]);
  });
});
