import { databaseEnvSchema, toDatabaseConfig, type DatabaseConfig } from '@starchart/persistence';
import { z } from 'zod';

const apiEnvSchema = z.object({
  ...databaseEnvSchema.shape,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export interface ApiConfig {
  host: string;
  port: number;
  redisUrl: string;
  database: DatabaseConfig;
  logLevel: z.infer<typeof apiEnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {}

export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    host: e.API_HOST,
    port: e.API_PORT,
    redisUrl: e.REDIS_URL,
    database: toDatabaseConfig(e),
    logLevel: e.LOG_LEVEL,
  };
}
