import type { LogLevel } from '@starchart/logging';
import {
  acmeEnvSchema,
  CERT_FLOW,
  CERT_QUEUE_REGISTRY,
  certConfigProblems,
  toCertWorkerConfig,
  type CertWorkerConfig,
} from '@starchart/cert-flow';
import {
  DNS_FLOW,
  DNS_QUEUE_REGISTRY,
  queueEnvCheck,
  queueEnvSchema,
  toQueueConfig,
  type QueueConfig,
} from '@starchart/dns-flow';
import {
  NOTIFICATION_QUEUE_REGISTRY,
  notificationConfigProblems,
  notificationEnvSchema,
  toNotificationConfig,
  type NotificationConfig,
} from '@starchart/notifications';
import { databaseEnvSchema, toDatabaseConfig, type DatabaseConfig } from '@starchart/persistence';
import { route53EnvSchema, toRoute53Config, type Route53Config } from '@starchart/route53';
import { z } from 'zod';

/** Jobs at once per queue named; the others keep their registry row's. */
export type Concurrency = Partial<Record<string, number>>;

const MAX_CONCURRENCY = 1_000;

/** Every queue a worker may process, of every registry. */
const QUEUES = [
  ...Object.keys(DNS_QUEUE_REGISTRY),
  ...Object.keys(CERT_QUEUE_REGISTRY),
  ...Object.keys(NOTIFICATION_QUEUE_REGISTRY),
];
/** The flow steps: what a bare number sets (a scheduler's run stays one at a time). */
const STEPS = [...DNS_FLOW.stepNames, ...CERT_FLOW.stepNames];

/**
 * "16" sets every flow step; "create-dns-record=32,reconcile=1" sets any queue named;
 * "16,add-db-record=4" both (later entries win). Queues not named keep their registry row's.
 */
const concurrencySchema = z
  .string()
  .optional()
  .transform((text, ctx): Concurrency => {
    const concurrency: Concurrency = {};
    for (const entry of (text ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [left, right] = entry.includes('=') ? entry.split('=', 2) : [undefined, entry];
      const jobs = Number(right);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_CONCURRENCY) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}": want a whole number from 1 to ${MAX_CONCURRENCY}`,
        });
        continue;
      }
      const queue = left?.trim();
      if (queue === undefined) {
        for (const name of STEPS) concurrency[name] = jobs;
      } else if (QUEUES.includes(queue)) {
        concurrency[queue] = jobs;
      } else {
        ctx.addIssue({
          code: 'custom',
          message: `"${queue}" is not a queue (one of ${QUEUES.join(', ')})`,
        });
      }
    }
    return concurrency;
  });

const workerEnvSchema = z
  .object({
    ...queueEnvSchema.shape,
    ...databaseEnvSchema.shape,
    ...route53EnvSchema.shape,
    ...acmeEnvSchema.shape,
    ...notificationEnvSchema.shape,
    WORKER_CONCURRENCY: concurrencySchema,
    // Up to a day: a reconciler that runs less often than that is not a safety net.
    RECONCILE_EVERY_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
    RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(120_000),
    // How often the expiry run looks for expired records (and records to warn about); 0: never.
    RECORD_EXPIRY_EVERY_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
    // Days before expiry at which owners are warned, e.g. "30,7"; empty: no warnings.
    RECORD_EXPIRY_WARNING_DAYS: z
      .string()
      .default('30,7')
      .transform((text) =>
        text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map(Number),
      )
      .pipe(
        z
          .array(z.number().int().min(1).max(3_650), { error: 'want whole days, e.g. 30,7' })
          .refine((days) => new Set(days).size === days.length, 'names a day twice'),
      ),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    // Off: no counters, no listener (the benchmark's baseline for the cost of measuring).
    METRICS: z.enum(['on', 'off']).default('on'),
    // Unset: no listener. Loopback by default: the metrics are for the operator's Prometheus only.
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_PATH: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'want a path such as /metrics')
      .refine((path) => path !== '/health', 'is where the health check answers')
      .default('/metrics'),
    // The standard OpenTelemetry variable: the OTLP/HTTP collector's base URL. Unset: no tracing.
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({ protocol: /^https?$/, error: 'must be the http(s) URL of an OTLP/HTTP collector' })
      .optional(),
  })
  .refine(...queueEnvCheck);

export interface WorkerConfig {
  queue: QueueConfig;
  database: DatabaseConfig;
  route53: Route53Config;
  concurrency: Concurrency;
  /** Reconciler interval (0: not scheduled) and how long a record may wait for a lost flow. */
  reconcile: { everyMs: number; graceMs: number };
  /** Expiry run interval (0: not scheduled) and the warning days, nearest last. */
  expiry: { everyMs: number; warningDays: number[] };
  /** The least severe level logged (LOG_LEVEL); every more severe one is logged too. */
  logLevel: LogLevel;
  /** undefined: no ACME_DIRECTORY_URL, this worker issues no certificates. */
  certificates: CertWorkerConfig | undefined;
  /** undefined: no SMTP_URL, this worker sends no mail and the flows tell nobody. */
  notifications: NotificationConfig | undefined;
  /** undefined: METRICS=off. `listen` undefined: counted, but served by no listener. */
  metrics: WorkerMetricsConfig | undefined;
  /** Where spans go over OTLP; undefined: OTEL_EXPORTER_OTLP_ENDPOINT unset, no tracing. */
  tracing: { endpoint: string } | undefined;
}

export interface WorkerMetricsConfig {
  /** Where `/metrics` (at `path`) and `/health` are served. */
  listen: { host: string; port: number; path: string } | undefined;
}

export class ConfigError extends Error {}

export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const problems = [...certConfigProblems(e), ...notificationConfigProblems(e)];
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  ${problem.path}: ${problem.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    queue: toQueueConfig(e),
    database: toDatabaseConfig(e),
    route53: toRoute53Config(e),
    concurrency: e.WORKER_CONCURRENCY,
    reconcile: { everyMs: e.RECONCILE_EVERY_MS, graceMs: e.RECONCILE_GRACE_MS },
    expiry: {
      everyMs: e.RECORD_EXPIRY_EVERY_MS,
      warningDays: [...e.RECORD_EXPIRY_WARNING_DAYS].sort((a, b) => b - a),
    },
    logLevel: e.LOG_LEVEL,
    certificates: toCertWorkerConfig(e),
    notifications: toNotificationConfig(e),
    metrics:
      e.METRICS === 'off'
        ? undefined
        : {
            listen:
              e.METRICS_PORT === undefined
                ? undefined
                : { host: e.METRICS_HOST, port: e.METRICS_PORT, path: e.METRICS_PATH },
          },
    tracing:
      e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? undefined
        : { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
  };
}
