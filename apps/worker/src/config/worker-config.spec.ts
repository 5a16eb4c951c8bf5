import { ConfigError, loadWorkerConfig } from './worker-config';

const env = {
  REDIS_URL: 'redis://127.0.0.1:6380',
  DATABASE_URL: 'mysql://starchart:secret@127.0.0.1:3307/starchart',
  ROUTE53_HOSTED_ZONE_ID: '/hostedzone/ZSTARCHARTLOCAL',
  AWS_ENDPOINT_URL_ROUTE_53: 'http://127.0.0.1:4580',
};

describe('loadWorkerConfig', () => {
  it('reads the queue, database and Route 53 settings with their defaults', () => {
    const config = loadWorkerConfig(env);
    expect(config).toMatchObject({
      queue: { redisUrl: env.REDIS_URL, prefix: '{starchart}' },
      database: { host: '127.0.0.1', port: 3307, database: 'starchart', password: 'secret' },
      route53: { endpoint: env.AWS_ENDPOINT_URL_ROUTE_53, ratePerSecond: 5, batching: true },
      concurrency: {},
      reconcile: { everyMs: 300_000, graceMs: 120_000 },
      logLevels: ['fatal', 'error', 'warn', 'log'],
    });
  });

  it('turns the reconciler schedule off with RECONCILE_EVERY_MS=0 and refuses a negative one', () => {
    expect(loadWorkerConfig({ ...env, RECONCILE_EVERY_MS: '0' }).reconcile.everyMs).toBe(0);
    expect(() => loadWorkerConfig({ ...env, RECONCILE_EVERY_MS: '-1' })).toThrow(
      /RECONCILE_EVERY_MS/,
    );
  });

  it('sets every queue from one WORKER_CONCURRENCY number and single queues from queue=n', () => {
    expect(loadWorkerConfig({ ...env, WORKER_CONCURRENCY: '4' }).concurrency).toEqual({
      'sync-db-status': 4,
      'add-db-record': 4,
      'check-dns-status': 4,
      'create-dns-record': 4,
    });
    expect(
      loadWorkerConfig({ ...env, WORKER_CONCURRENCY: '4, create-dns-record=32' }).concurrency,
    ).toMatchObject({ 'add-db-record': 4, 'create-dns-record': 32 });
  });

  it('names every bad variable in one error', () => {
    const load = (): unknown =>
      loadWorkerConfig({
        ...env,
        REDIS_URL: 'http://127.0.0.1:6380',
        DATABASE_URL: undefined,
        WORKER_CONCURRENCY: 'create-dns-records=4,add-db-record=0',
        LOG_LEVEL: 'loud',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/REDIS_URL: must be a redis:\/\//);
    expect(load).toThrow(/DATABASE_URL/);
    expect(load).toThrow(/WORKER_CONCURRENCY: "create-dns-records" is not a queue/);
    expect(load).toThrow(/WORKER_CONCURRENCY: "add-db-record=0": want a whole number/);
    expect(load).toThrow(/LOG_LEVEL/);
  });
});
