import {
  certBudgetEnvSchema,
  certEncryptionEnvSchema,
  toEncryptionConfig,
  toIssuanceBudgets,
  type EncryptionConfig,
  type IssuanceBudgets,
} from '@starchart/cert-flow';
import {
  queueEnvCheck,
  queueEnvSchema,
  toQueueConfig,
  type QueueConfig,
} from '@starchart/dns-flow';
import {
  databaseEnvSchema,
  DEFAULT_RECORD_LIFETIME_DAYS,
  toDatabaseConfig,
  type DatabaseConfig,
} from '@starchart/persistence';
import { z } from 'zod';
import type { LogLevel } from '@starchart/logging';
import type { ApiMetricsConfig } from '../metrics/api-metrics';
import { PUBLISHED_JWT_SECRETS } from './published-secrets';

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const optionalString = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/** Where published development credentials are allowed; unset counts as production. */
const RELAXED_ENVIRONMENTS = new Set(['development', 'test']);
const MIN_SECRET_BYTES = 32;

const webOrigin = z
  .url({ protocol: /^https?$/, error: 'each must be an http(s) origin' })
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, {
    error: 'each must be an origin (scheme, host and port, no path or trailing slash)',
  });

const apiEnvSchema = z
  .object({
    ...databaseEnvSchema.shape,
    ...queueEnvSchema.shape,
    ...certEncryptionEnvSchema.shape,
    ...certBudgetEnvSchema.shape,
    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    NODE_ENV: z
      .enum(['production', 'development', 'test'], {
        error: 'must be production, development or test',
      })
      .default('production'),
    ROOT_DOMAIN: z
      .string({
        error: 'is required: the domain users get names under, e.g. starchart.example.com',
      })
      .trim()
      .toLowerCase()
      .transform((value) => value.replace(/\.$/, ''))
      .refine((value) => value.length <= 200 && value.split('.').every((l) => HOST_LABEL.test(l)), {
        error: 'must be a domain name such as starchart.example.com',
      }),
    JWT_SECRET: optionalString.pipe(
      z
        .string()
        .refine((secret) => Buffer.byteLength(secret) >= MIN_SECRET_BYTES, {
          error: `must be at least ${MIN_SECRET_BYTES} bytes long: generate one with \`openssl rand -base64 48\``,
        })
        .optional(),
    ),
    JWT_JWKS_URL: optionalString.pipe(
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JWKS document' })
        .optional(),
    ),
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
    // Browser origins allowed by CORS (the web app's), comma-separated; none: no CORS at all.
    WEB_ORIGINS: optionalString.pipe(
      z
        .string()
        .transform((value) => value.split(',').map((origin) => origin.trim()))
        .pipe(z.array(webOrigin))
        .optional(),
    ),
    RECORD_QUOTA: z.coerce.number().int().min(1).max(10_000).default(10),
    // A record lives this long after its last create, update or renew (up to ten years).
    RECORD_LIFETIME_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3_650)
      .default(DEFAULT_RECORD_LIFETIME_DAYS),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    // Off: no /metrics and nothing measured (the benchmark's baseline for the cost of measuring).
    METRICS: z.enum(['on', 'off']).default('on'),
    METRICS_PATH: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'want a path such as /metrics')
      .refine((path) => !path.startsWith('/api/'), 'collides with the api routes')
      .default('/metrics'),
    // Set: the metrics leave the api's port for a listener of their own, bound to METRICS_HOST.
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    // The standard OpenTelemetry variable: the OTLP/HTTP collector's base URL. Unset: no tracing.
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({ protocol: /^https?$/, error: 'must be the http(s) URL of an OTLP/HTTP collector' })
      .optional(),
  })
  // Checked even when other variables are bad (`when`), so one run names every problem.
  .refine(...queueEnvCheck)
  .refine((env) => env.JWT_SECRET !== undefined || env.JWT_JWKS_URL !== undefined, {
    path: ['JWT_SECRET'],
    error: 'set JWT_SECRET (HS256) or JWT_JWKS_URL (an identity provider), one of the two',
    when: () => true,
  })
  .refine((env) => env.JWT_SECRET === undefined || env.JWT_JWKS_URL === undefined, {
    path: ['JWT_JWKS_URL'],
    error: 'set only one of JWT_SECRET and JWT_JWKS_URL',
    when: () => true,
  })
  .refine(
    (env) =>
      env.JWT_SECRET === undefined ||
      !PUBLISHED_JWT_SECRETS.includes(env.JWT_SECRET) ||
      RELAXED_ENVIRONMENTS.has(env.NODE_ENV),
    {
      path: ['JWT_SECRET'],
      error:
        'is a development secret published in the Starchart repository: anyone could sign tokens ' +
        'for any person with it. It is accepted only with NODE_ENV=development or test; set a ' +
        'secret of your own (openssl rand -base64 48) or JWT_JWKS_URL of an identity provider',
      when: () => true,
    },
  )
  // Without both, any token signed by the provider's keys would do, whoever it was issued for.
  .refine((env) => env.JWT_JWKS_URL === undefined || env.JWT_ISSUER !== undefined, {
    path: ['JWT_ISSUER'],
    error: "is required with JWT_JWKS_URL: the provider's issuer URL, checked in every token",
    when: () => true,
  })
  .refine((env) => env.JWT_JWKS_URL === undefined || env.JWT_AUDIENCE !== undefined, {
    path: ['JWT_AUDIENCE'],
    error: 'is required with JWT_JWKS_URL: the audience the provider puts in tokens for this api',
    when: () => true,
  });

/** How bearer tokens are verified: a shared HS256 secret, or the keys of an identity provider. */
export type JwtConfig = ({ secret: string } | { jwksUrl: string }) & {
  issuer?: string;
  audience?: string;
};

/** Timing of the record progress stream; not environment-driven, tests shorten it. */
export interface RecordEventsConfig {
  pollIntervalMs: number;
  heartbeatMs: number;
  maxDurationMs: number;
}

export interface ApiConfig {
  host: string;
  port: number;
  rootDomain: string;
  jwt: JwtConfig;
  /** Browser origins answered with CORS headers; empty: none. */
  webOrigins: string[];
  recordQuota: number;
  /** Days from a record's last create, update or renew to its expiry. */
  recordLifetimeDays: number;
  rateLimitPerMinute: number;
  logLevel: LogLevel;
  database: DatabaseConfig;
  queue: QueueConfig;
  events: RecordEventsConfig;
  /** How long adding a record's flow to Redis may take before Redis counts as in trouble. */
  flowStartTimeoutMs: number;
  /** Opens certificate private keys for their download; undefined: the download is refused. */
  certEncryption: EncryptionConfig | undefined;
  /** The issuance budget new certificate orders are admitted against (shared with the workers). */
  certBudgets: IssuanceBudgets;
  /** undefined: METRICS=off. */
  metrics: ApiMetricsConfig | undefined;
  /** Where spans go over OTLP; undefined: OTEL_EXPORTER_OTLP_ENDPOINT unset, no tracing. */
  tracing: { endpoint: string } | undefined;
}

/** Injection token of the ApiConfig the app was created with. */
export const API_CONFIG = Symbol('ApiConfig');

export class ConfigError extends Error {}

function parse<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined>,
): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const e = parse(apiEnvSchema, env);
  return {
    host: e.API_HOST,
    port: e.API_PORT,
    rootDomain: e.ROOT_DOMAIN,
    jwt: {
      ...jwtKeys(e.JWT_SECRET, e.JWT_JWKS_URL),
      ...(e.JWT_ISSUER !== undefined && { issuer: e.JWT_ISSUER }),
      ...(e.JWT_AUDIENCE !== undefined && { audience: e.JWT_AUDIENCE }),
    },
    webOrigins: e.WEB_ORIGINS ?? [],
    recordQuota: e.RECORD_QUOTA,
    recordLifetimeDays: e.RECORD_LIFETIME_DAYS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    database: toDatabaseConfig(e),
    queue: toQueueConfig(e),
    events: { pollIntervalMs: 300, heartbeatMs: 15_000, maxDurationMs: 10 * 60_000 },
    // Adding a flow is a few Redis round trips; far longer means Redis is in trouble.
    flowStartTimeoutMs: 5_000,
    certEncryption: toEncryptionConfig(e),
    certBudgets: toIssuanceBudgets(e),
    metrics:
      e.METRICS === 'off'
        ? undefined
        : {
            path: e.METRICS_PATH,
            listen:
              e.METRICS_PORT === undefined
                ? undefined
                : { host: e.METRICS_HOST, port: e.METRICS_PORT },
          },
    tracing:
      e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? undefined
        : { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
  };
}

// The schema already demands exactly one of the two; this narrows the type.
function jwtKeys(secret?: string, jwksUrl?: string): { secret: string } | { jwksUrl: string } {
  if (secret !== undefined) return { secret };
  if (jwksUrl !== undefined) return { jwksUrl };
  throw new ConfigError('Invalid configuration:\n  JWT_SECRET: set JWT_SECRET or JWT_JWKS_URL');
}

/** `main.js migrate` needs the database and nothing else, so a deploy job sets only that. */
export function loadMigrateConfig(env: Record<string, string | undefined>): DatabaseConfig {
  return toDatabaseConfig(parse(databaseEnvSchema, env));
}

/**
 * `main.js openapi` describes the routes and connects to nothing: the app is created in preview
 * mode, which makes no provider, so these placeholder settings are never used.
 */
export function documentationConfig(): ApiConfig {
  return loadApiConfig({
    ROOT_DOMAIN: 'starchart.example.com',
    DATABASE_URL: 'mysql://starchart@127.0.0.1:3306/starchart',
    REDIS_URL: 'redis://127.0.0.1:6379',
    JWT_JWKS_URL: 'https://id.example.com/jwks',
    JWT_ISSUER: 'https://id.example.com',
    JWT_AUDIENCE: 'starchart-api',
  });
}
