import { z } from 'zod';

/** Environment fragment every app that talks to MySQL composes into its own config schema. */
export const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .url({
      protocol: /^mysql$/,
      error: 'must be a mysql:// URL, e.g. mysql://user:pass@127.0.0.1:3306/starchart',
    })
    .describe('MySQL connection URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

export interface DatabaseConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  poolSize: number;
}

export function toDatabaseConfig(env: z.infer<typeof databaseEnvSchema>): DatabaseConfig {
  const url = new URL(env.DATABASE_URL);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    poolSize: env.DATABASE_POOL_SIZE,
  };
}
