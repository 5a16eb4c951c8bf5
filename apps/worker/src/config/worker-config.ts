import {
  DNS_FLOW_QUEUE_NAMES,
  queueEnvSchema,
  toQueueConfig,
  type DnsQueueName,
  type QueueConfig,
} from '@starchart/dns-flow';
import { databaseEnvSchema, toDatabaseConfig, type DatabaseConfig } from '@starchart/persistence';
import { route53EnvSchema, toRoute53Config, type Route53Config } from '@starchart/route53';
import { z } from 'zod';

export type Concurrency = Partial<Record<DnsQueueName, number>>;

const MAX_CONCURRENCY = 1_000;

function isQueueName(name: string): name is DnsQueueName {
  return DNS_FLOW_QUEUE_NAMES.some((queue) => queue === name);
}

/**
 * "16" sets every queue; "create-dns-record=32,add-db-record=4" sets some; "16,add-db-record=4"
 * both (later entries win). Queues not named keep the flow's defaults.
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
        for (const name of DNS_FLOW_QUEUE_NAMES) concurrency[name] = jobs;
      } else if (isQueueName(queue)) {
        concurrency[queue] = jobs;
      } else {
        ctx.addIssue({
          code: 'custom',
          message: `"${queue}" is not a queue (one of ${DNS_FLOW_QUEUE_NAMES.join(', ')})`,
        });
      }
    }
    return concurrency;
  });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const workerEnvSchema = z.object({
  ...queueEnvSchema.shape,
  ...databaseEnvSchema.shape,
  ...route53EnvSchema.shape,
  WORKER_CONCURRENCY: concurrencySchema,
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export interface WorkerConfig {
  queue: QueueConfig;
  database: DatabaseConfig;
  route53: Route53Config;
  concurrency: Concurrency;
  /** Every level Nest should print: LOG_LEVEL and the more severe ones. */
  logLevels: LogLevel[];
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
  return {
    queue: toQueueConfig(e),
    database: toDatabaseConfig(e),
    route53: toRoute53Config(e),
    concurrency: e.WORKER_CONCURRENCY,
    logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(e.LOG_LEVEL) + 1),
  };
}
