import { randomBytes } from 'node:crypto';
import { ConfigError, loadApiConfig, loadMigrateConfig } from './api-config';
import { PUBLISHED_JWT_SECRETS } from './published-secrets';

const valid = {
  DATABASE_URL: 'mysql://starchart:secret@127.0.0.1:3307/starchart',
  REDIS_URL: 'redis://127.0.0.1:6380',
  ROOT_DOMAIN: 'Starchart.Example.com.',
  // Made for this run: a secret the repository ships would be refused.
  JWT_SECRET: randomBytes(32).toString('base64'),
};
const DEV_SECRET = 'starchart-development-secret-change-me-0123456789';

function problems(env: Record<string, string | undefined>): string {
  try {
    loadApiConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadApiConfig', () => {
  it('parses a complete environment into typed config with defaults', () => {
    const config = loadApiConfig({ ...valid, API_PORT: '4000' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      rootDomain: 'starchart.example.com',
      jwt: { secret: valid.JWT_SECRET },
      recordQuota: 10,
      recordLifetimeDays: 180,
      rateLimitPerMinute: 120,
      logLevel: 'log',
      queue: { redisUrl: 'redis://127.0.0.1:6380', prefix: '{starchart}' },
    });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 3307, username: 'starchart' });
  });

  it('serves /metrics on the api port by default, on a listener of its own with METRICS_PORT', () => {
    expect(loadApiConfig(valid).metrics).toEqual({ path: '/metrics', listen: undefined });
    expect(
      loadApiConfig({ ...valid, METRICS_PORT: '9101', METRICS_PATH: '/ops/m' }).metrics,
    ).toEqual({
      path: '/ops/m',
      listen: { host: '127.0.0.1', port: 9101 },
    });
    expect(loadApiConfig({ ...valid, METRICS: 'off' }).metrics).toBeUndefined();
    expect(problems({ ...valid, METRICS_PATH: '/api/v1/records' })).toMatch(/METRICS_PATH/);
    expect(problems({ ...valid, METRICS_PATH: 'metrics' })).toMatch(/METRICS_PATH/);
  });

  it('traces only when OTEL_EXPORTER_OTLP_ENDPOINT names an http(s) collector', () => {
    expect(loadApiConfig(valid).tracing).toBeUndefined();
    expect(
      loadApiConfig({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing,
    ).toEqual({ endpoint: 'http://127.0.0.1:4318' });
    expect(problems({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });

  it('takes a JWKS URL with issuer and audience instead of a secret', () => {
    const config = loadApiConfig({
      ...valid,
      JWT_SECRET: undefined,
      JWT_JWKS_URL: 'https://login.example.edu/.well-known/jwks.json',
      JWT_ISSUER: 'https://login.example.edu/',
      JWT_AUDIENCE: 'starchart',
    });
    expect(config.jwt).toEqual({
      jwksUrl: 'https://login.example.edu/.well-known/jwks.json',
      issuer: 'https://login.example.edu/',
      audience: 'starchart',
    });
  });

  it('names every missing or malformed variable', () => {
    const message = problems({
      REDIS_URL: 'http://x',
      API_PORT: 'abc',
      RECORD_QUOTA: '0',
      LOG_LEVEL: 'loud',
    });
    for (const name of [
      'DATABASE_URL',
      'REDIS_URL',
      'API_PORT',
      'ROOT_DOMAIN',
      'RECORD_QUOTA',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(`${name}:`);
    }
  });

  it('wants exactly one of JWT_SECRET and JWT_JWKS_URL', () => {
    expect(problems({ ...valid, JWT_SECRET: undefined })).toContain('JWT_SECRET: set JWT_SECRET');
    expect(problems({ ...valid, JWT_JWKS_URL: 'https://login.example.edu/jwks' })).toContain(
      'JWT_JWKS_URL: set only one',
    );
    expect(problems({ ...valid, JWT_SECRET: 'too-short' })).toContain(
      'JWT_SECRET: must be at least 32',
    );
  });

  it('refuses the published development secret unless NODE_ENV is development or test', () => {
    for (const env of [{}, { NODE_ENV: 'production' }]) {
      const message = problems({ ...valid, ...env, JWT_SECRET: DEV_SECRET });
      expect(message).toContain('JWT_SECRET: is a development secret published');
      expect(message).toContain('NODE_ENV=development or test');
    }
    for (const secret of PUBLISHED_JWT_SECRETS) {
      expect(problems({ ...valid, JWT_SECRET: secret })).toContain('published');
      for (const NODE_ENV of ['development', 'test'])
        expect(loadApiConfig({ ...valid, NODE_ENV, JWT_SECRET: secret }).jwt).toEqual({ secret });
    }
    expect(problems({ ...valid, NODE_ENV: 'staging' })).toContain('NODE_ENV: must be production');
  });

  it('refuses an HS256 secret shorter than 32 bytes, counting bytes, not characters', () => {
    expect(problems({ ...valid, JWT_SECRET: 'x'.repeat(16) })).toContain(
      'JWT_SECRET: must be at least 32 bytes long',
    );
    // 16 characters of 2 bytes each: 32 bytes.
    expect(loadApiConfig({ ...valid, JWT_SECRET: 'é'.repeat(16) }).jwt).toEqual({
      secret: 'é'.repeat(16),
    });
    expect(problems({ ...valid, JWT_SECRET: 'é'.repeat(15) })).toContain('at least 32 bytes');
  });

  it('wants the issuer and audience with a JWKS URL', () => {
    const jwks = { ...valid, JWT_SECRET: undefined, JWT_JWKS_URL: 'https://idp.example/jwks' };
    const message = problems(jwks);
    expect(message).toContain('JWT_ISSUER: is required with JWT_JWKS_URL');
    expect(message).toContain('JWT_AUDIENCE: is required with JWT_JWKS_URL');
  });

  it('answers CORS for the origins in WEB_ORIGINS only, none by default', () => {
    expect(loadApiConfig(valid).webOrigins).toEqual([]);
    expect(
      loadApiConfig({
        ...valid,
        WEB_ORIGINS: 'https://starchart.example.com, http://127.0.0.1:3001',
      }).webOrigins,
    ).toEqual(['https://starchart.example.com', 'http://127.0.0.1:3001']);
    expect(problems({ ...valid, WEB_ORIGINS: 'https://starchart.example.com/' })).toContain(
      'WEB_ORIGINS',
    );
    expect(problems({ ...valid, WEB_ORIGINS: '*' })).toContain('WEB_ORIGINS');
  });

  it('refuses a root domain that is not a domain name', () => {
    expect(problems({ ...valid, ROOT_DOMAIN: 'not a domain' })).toContain('ROOT_DOMAIN:');
  });

  it('opens certificate keys with CERT_ENCRYPTION_KEY and its retired keys, and needs neither', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const retired = Buffer.alloc(32, 2).toString('base64');
    expect(loadApiConfig(valid).certEncryption).toBeUndefined();
    expect(
      loadApiConfig({ ...valid, CERT_ENCRYPTION_KEY: key, CERT_ENCRYPTION_RETIRED_KEYS: retired })
        .certEncryption,
    ).toEqual({ key, retiredKeys: [retired] });
    expect(problems({ ...valid, CERT_ENCRYPTION_KEY: 'c2hvcnQ=' })).toMatch(
      /CERT_ENCRYPTION_KEY: must be 32 random bytes, base64/,
    );
  });

  it('needs only the database to migrate', () => {
    expect(loadMigrateConfig({ DATABASE_URL: valid.DATABASE_URL })).toMatchObject({
      database: 'starchart',
    });
    expect(() => loadMigrateConfig({})).toThrow(/DATABASE_URL/);
  });
});
