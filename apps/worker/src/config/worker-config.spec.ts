import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
      expiry: { everyMs: 3_600_000, warningDays: [30, 7] },
      logLevel: 'log',
    });
  });

  it('turns the reconciler schedule off with RECONCILE_EVERY_MS=0 and refuses a negative one', () => {
    expect(loadWorkerConfig({ ...env, RECONCILE_EVERY_MS: '0' }).reconcile.everyMs).toBe(0);
    expect(() => loadWorkerConfig({ ...env, RECONCILE_EVERY_MS: '-1' })).toThrow(
      /RECONCILE_EVERY_MS/,
    );
  });

  it('reads the expiry warning days in any order, nearest last, and refuses a repeated or bad day', () => {
    expect(loadWorkerConfig({ ...env, RECORD_EXPIRY_WARNING_DAYS: '7, 30,1' }).expiry).toEqual({
      everyMs: 3_600_000,
      warningDays: [30, 7, 1],
    });
    expect(loadWorkerConfig({ ...env, RECORD_EXPIRY_WARNING_DAYS: '' }).expiry.warningDays).toEqual(
      [],
    );
    for (const bad of ['30,30', '7,x', '0'])
      expect(() => loadWorkerConfig({ ...env, RECORD_EXPIRY_WARNING_DAYS: bad })).toThrow(
        /RECORD_EXPIRY_WARNING_DAYS/,
      );
  });

  it('sets every flow step of every flow from one WORKER_CONCURRENCY number and any queue from queue=n', () => {
    expect(loadWorkerConfig({ ...env, WORKER_CONCURRENCY: '4' }).concurrency).toEqual({
      'sync-db-status': 4,
      'add-db-record': 4,
      'check-dns-status': 4,
      'create-dns-record': 4,
      'cleanup-challenge': 4,
      'finalize-certificate': 4,
      'validate-challenges': 4,
      'check-challenge-dns': 4,
      'write-challenge-record': 4,
      'create-acme-order': 4,
    });
    expect(
      loadWorkerConfig({
        ...env,
        WORKER_CONCURRENCY: '4, create-dns-record=32, create-acme-order=2, reconcile=1',
      }).concurrency,
    ).toMatchObject({
      'add-db-record': 4,
      'create-dns-record': 32,
      'create-acme-order': 2,
      reconcile: 1,
    });
  });

  it('talks to a Redis Cluster with REDIS_CLUSTER=true, from REDIS_URL and the REDIS_CLUSTER_NODES seeds', () => {
    expect(loadWorkerConfig(env).queue).toMatchObject({ redisCluster: false });
    const config = loadWorkerConfig({
      ...env,
      REDIS_CLUSTER: 'true',
      REDIS_CLUSTER_NODES: 'redis-node-2:6379, redis-node-3:6379',
    });
    expect(config.queue).toEqual({
      redisUrl: env.REDIS_URL,
      redisCluster: true,
      redisClusterNodes: ['redis-node-2:6379', 'redis-node-3:6379'],
      prefix: '{starchart}',
    });
    expect(() => loadWorkerConfig({ ...env, REDIS_CLUSTER: 'cluster' })).toThrow(
      /REDIS_CLUSTER: must be true or false/,
    );
    expect(() =>
      loadWorkerConfig({ ...env, REDIS_CLUSTER: 'true', REDIS_CLUSTER_NODES: 'redis-node-2' }),
    ).toThrow(/REDIS_CLUSTER_NODES: "redis-node-2" is not host:port/);
    expect(() => loadWorkerConfig({ ...env, REDIS_CLUSTER_NODES: 'redis-node-2:6379' })).toThrow(
      /REDIS_CLUSTER_NODES: names cluster nodes, but REDIS_CLUSTER is not true/,
    );
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
  it('measures without a listener by default, serves where METRICS_* say, and not at all when off', () => {
    expect(loadWorkerConfig(env).metrics).toEqual({ listen: undefined });
    expect(
      loadWorkerConfig({
        ...env,
        METRICS_PORT: '3005',
        METRICS_HOST: '10.0.0.5',
        METRICS_PATH: '/m',
      }).metrics,
    ).toEqual({ listen: { host: '10.0.0.5', port: 3005, path: '/m' } });
    expect(
      loadWorkerConfig({ ...env, METRICS: 'off', METRICS_PORT: '3005' }).metrics,
    ).toBeUndefined();
    expect(() => loadWorkerConfig({ ...env, METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => loadWorkerConfig({ ...env, METRICS_PATH: '/health' })).toThrow(/METRICS_PATH/);
    expect(() => loadWorkerConfig({ ...env, METRICS: 'yes' })).toThrow(/METRICS/);
  });

  describe('certificates', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const retired = Buffer.alloc(32, 2).toString('base64');
    const acme = {
      ...env,
      ACME_DIRECTORY_URL: 'https://127.0.0.1:14000/dir',
      CERT_ENCRYPTION_KEY: key,
    };

    it('issues none without ACME_DIRECTORY_URL', () => {
      expect(loadWorkerConfig(env).certificates).toBeUndefined();
    });

    it('reads the ACME settings with their defaults', () => {
      expect(loadWorkerConfig(acme).certificates).toEqual({
        acme: { directoryUrl: acme.ACME_DIRECTORY_URL },
        encryption: { key, retiredKeys: [] },
        keyType: 'ecdsa-p256',
        caaIdentities: ['letsencrypt.org'],
        renewBeforeDays: 30,
        renewEveryMs: 6 * 3_600_000,
        renewJitterMs: 2 * 86_400_000,
        renewRetry: { firstMs: 3_600_000, maxMs: 32 * 3_600_000 },
        renewReuseKey: false,
        resume: { everyMs: 300_000, graceMs: 120_000, maxResumes: 3 },
        caPause: { firstMs: 60_000, maxMs: 3_600_000 },
        budgets: {
          'new-certificates': { limit: 50, windowMs: 7 * 86_400_000 },
          orders: { limit: 300, windowMs: 3 * 3_600_000 },
        },
        admitEveryMs: 60_000,
      });
    });

    it('reads every optional setting, retired keys as a list and the renewal interval as a duration', () => {
      const caCertPath = resolve(__dirname, 'worker-config.spec.ts');
      const config = loadWorkerConfig({
        ...acme,
        ACME_CA_CERT_PATH: caCertPath,
        ACME_CONTACT_EMAIL: 'ops@example.com',
        CERT_ENCRYPTION_RETIRED_KEYS: ` ${retired} , ${key}`,
        CERT_KEY_TYPE: 'rsa-2048',
        ACME_DNS_CHECK_SERVER: '127.0.0.1:1053',
        CERT_RENEW_BEFORE_DAYS: '20',
        CERT_RENEW_EVERY: '30m',
        CERT_RENEW_JITTER: '12h',
        CERT_RENEW_RETRY_FIRST: '30m',
        CERT_RENEW_RETRY_MAX: '8h',
        CERT_RENEW_REUSE_KEY: 'true',
        CERT_CAA_IDENTITIES: ' LetsEncrypt.org , sectigo.com. ',
        ACME_RATE_LIMIT_PAUSE_FIRST: '30s',
        ACME_RATE_LIMIT_PAUSE_MAX: '10m',
        CERT_BUDGET_NEW_PER_WEEK: '10',
        CERT_BUDGET_ORDERS_PER_3H: '40',
        CERT_ADMIT_EVERY: '500ms',
      }).certificates;
      expect(config).toMatchObject({
        acme: { contactEmail: 'ops@example.com', caCertPem: readFileSync(caCertPath, 'utf8') },
        encryption: { key, retiredKeys: [retired, key] },
        keyType: 'rsa-2048',
        dnsCheckServer: '127.0.0.1:1053',
        renewBeforeDays: 20,
        renewEveryMs: 1_800_000,
        renewJitterMs: 43_200_000,
        renewRetry: { firstMs: 1_800_000, maxMs: 8 * 3_600_000 },
        renewReuseKey: true,
        caaIdentities: ['letsencrypt.org', 'sectigo.com'],
        caPause: { firstMs: 30_000, maxMs: 600_000 },
        budgets: {
          'new-certificates': { limit: 10, windowMs: 7 * 86_400_000 },
          orders: { limit: 40, windowMs: 3 * 3_600_000 },
        },
        admitEveryMs: 500,
      });
      expect(
        loadWorkerConfig({ ...acme, CERT_CAA_IDENTITIES: 'off' }).certificates?.caaIdentities,
      ).toEqual([]);
    });

    it('names every bad certificate variable', () => {
      const load = (): unknown =>
        loadWorkerConfig({
          ...acme,
          ACME_DIRECTORY_URL: 'http://127.0.0.1:14000/dir',
          CERT_ENCRYPTION_KEY: 'c2hvcnQ=',
          CERT_ENCRYPTION_RETIRED_KEYS: `${retired},nope`,
          CERT_KEY_TYPE: 'dsa',
          ACME_DNS_CHECK_SERVER: '127.0.0.1',
          CERT_RENEW_BEFORE_DAYS: '90',
          CERT_RENEW_EVERY: '500ms',
          CERT_CAA_IDENTITIES: 'letsencrypt.org,,https://pki.goog',
          CERT_BUDGET_NEW_PER_WEEK: '0',
          CERT_BUDGET_ORDERS_PER_3H: 'many',
          CERT_ADMIT_EVERY: '1 minute',
        });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/ACME_DIRECTORY_URL: must be the https:\/\/ URL of an ACME directory/);
      expect(load).toThrow(/CERT_ENCRYPTION_KEY: must be 32 random bytes, base64/);
      expect(load).toThrow(/CERT_ENCRYPTION_RETIRED_KEYS\.1: must be 32 random bytes/);
      expect(load).toThrow(/CERT_KEY_TYPE/);
      expect(load).toThrow(/ACME_DNS_CHECK_SERVER: must be host:port/);
      expect(load).toThrow(/CERT_RENEW_BEFORE_DAYS/);
      expect(load).toThrow(/CERT_RENEW_EVERY: must be a duration of 1s or more/);
      expect(load).toThrow(/CERT_CAA_IDENTITIES\.1: must be CA domain names/);
      expect(load).toThrow(/CERT_CAA_IDENTITIES\.2: must be CA domain names/);
      expect(load).toThrow(/CERT_BUDGET_NEW_PER_WEEK/);
      expect(load).toThrow(/CERT_BUDGET_ORDERS_PER_3H: must be a whole number of orders/);
      expect(load).toThrow(/CERT_ADMIT_EVERY: must be a duration of 0.1s or more/);
    });

    it('wants an encryption key and a readable CA file once ACME is on', () => {
      const load = (): unknown =>
        loadWorkerConfig({
          ...acme,
          CERT_ENCRYPTION_KEY: undefined,
          ACME_CA_CERT_PATH: '/nonexistent/pebble.minica.pem',
        });
      expect(load).toThrow(/CERT_ENCRYPTION_KEY: is required with ACME_DIRECTORY_URL/);
      expect(load).toThrow(/ACME_CA_CERT_PATH: cannot be read/);
    });
  });
});
