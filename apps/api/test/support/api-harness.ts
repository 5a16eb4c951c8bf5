import type { NestExpressApplication } from '@nestjs/platform-express';
import { CERT_QUEUE_REGISTRY } from '@starchart/cert-flow';
import { DNS_QUEUE_REGISTRY } from '@starchart/dns-flow';
import { NOTIFICATION_QUEUE_REGISTRY } from '@starchart/notifications';
import { runMigrations } from '@starchart/persistence';
import { mysqlUrl, testStack, uniqueId, type TestStack } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { createConnection, createPool } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { createApiApp } from '../../src/app';
import { type ApiConfig, loadApiConfig } from '../../src/config/api-config';
import { JsonLogger } from '@starchart/logging';
import type { Tracing } from '@starchart/telemetry/tracing';

/** Every queue the api opens, each registry root first. */
const ALL_QUEUES = [...Object.keys(DNS_QUEUE_REGISTRY), ...Object.keys(CERT_QUEUE_REGISTRY)];
/** The queues only a worker opens (the worker's notices), removed with the rest at the end. */
const WORKER_QUEUES = Object.keys(NOTIFICATION_QUEUE_REGISTRY);

export const TEST_JWT_SECRET = 'api-integration-test-secret-0123456789abcdef';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Aborts the request (the promise rejects) when no answer came within this time. */
  timeoutMs?: number;
}

/** A throwaway database and queue prefix on the test stack, and the api serving them. */
export interface ApiHarness {
  app: NestExpressApplication;
  baseUrl: string;
  config: ApiConfig;
  /** The environment the api was configured from; a worker started with it shares everything. */
  env: Record<string, string>;
  database: string;
  queuePrefix: string;
  /** Every JSON log line the api wrote. */
  logs: Record<string, unknown>[];
  token(username: string, options?: TokenOptions): Promise<string>;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
  /** Runs SQL on the api's database, bypassing the api. */
  sql(statement: string, params?: unknown[]): Promise<unknown>;
  /** Rows of dns_records, straight from the database. */
  dbRecords(where?: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Inserts a settled record straight into the database (no flow), and returns its id. */
  seedRecord(username: string, fields?: Partial<SeededRecord>): Promise<string>;
  /** Redis keys under the queue prefix. */
  queueKeys(): Promise<string[]>;
  /** Resolves once every DNS queue has written its metadata, so later key counts are stable. */
  queuesReady(): Promise<void>;
  close(): Promise<void>;
}

/** The columns of a record that seedRecord lets a test choose. */
export interface SeededRecord {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT';
  value: string;
  status: 'pending' | 'active' | 'error' | 'deleting';
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Another stack than the shared test stack (a test that restarts services starts its own). */
  stack?: TestStack;
  tweak?: (config: ApiConfig) => void;
  /** The api traces its requests and flows through it. */
  tracing?: Tracing;
}

export async function createTestDatabase(stack: TestStack = testStack()): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `starchart_${uniqueId('')}`;
  const admin = async <T>(
    work: (c: Awaited<ReturnType<typeof createConnection>>) => Promise<T>,
  ): Promise<T> => {
    const connection = await createConnection({
      host: stack.mysql.host,
      port: stack.mysql.port,
      user: stack.mysql.user,
      password: stack.mysql.password,
    });
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  };
  await admin((c) => c.query(`CREATE DATABASE \`${name}\``));
  return {
    name,
    url: mysqlUrl(stack, name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``)).then(() => undefined),
  };
}

/** The environment of an api (and a worker) on the test stack. */
export function stackEnv(
  databaseUrl: string,
  queuePrefix: string,
  stack: TestStack = testStack(),
): Record<string, string> {
  return {
    // The test secret is published in this repository: the api takes it only in tests.
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: stack.redis.url,
    QUEUE_PREFIX: queuePrefix,
    ROOT_DOMAIN: stack.emulator.rootDomain,
    JWT_SECRET: TEST_JWT_SECRET,
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    LOG_LEVEL: 'log',
    AWS_ENDPOINT_URL_ROUTE_53: stack.emulator.apiUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ROUTE53_HOSTED_ZONE_ID: stack.emulator.zoneId,
    // A scheduled run would reconcile the shared zone against this test's database.
    RECONCILE_EVERY_MS: '0',
  };
}

export interface TokenOptions {
  admin?: boolean;
  expiresIn?: string | number;
  /** The `email` claim; none when omitted. */
  email?: string;
}

export async function signToken(
  username: string,
  { admin = false, expiresIn = '10m', email }: TokenOptions = {},
): Promise<string> {
  return new SignJWT({ roles: admin ? ['admin'] : [], ...(email !== undefined && { email }) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(username)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

export async function startApi(options: HarnessOptions = {}): Promise<ApiHarness> {
  const stack = options.stack ?? testStack();
  const database = await createTestDatabase(stack);
  const queuePrefix = `{${uniqueId('api')}}`;
  const env = { ...stackEnv(database.url, queuePrefix, stack), ...options.env };
  const config = loadApiConfig(env);
  options.tweak?.(config);
  await runMigrations(config.database);

  const logs: Record<string, unknown>[] = [];
  const logger = new JsonLogger({
    level: 'log',
    write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  const app = await createApiApp(config, logger, options.tracing);
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const redis = new Redis(stack.redis.url);
  // A pool, not one connection: it reconnects after a test restarts the database.
  const sql = createPool({ uri: database.url, connectionLimit: 2 });

  return {
    app,
    baseUrl,
    config,
    env,
    database: database.name,
    queuePrefix,
    logs,
    token: signToken,
    async request(method, path, { token, body, rawBody, headers = {}, timeoutMs } = {}) {
      const sent: Record<string, string> = { ...headers };
      if (token) sent['Authorization'] = `Bearer ${token}`;
      let payload: string | Uint8Array | undefined = rawBody;
      if (body !== undefined) {
        payload = JSON.stringify(body);
        sent['Content-Type'] ??= 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: sent,
        ...(payload !== undefined && { body: payload }),
        ...(timeoutMs !== undefined && { signal: AbortSignal.timeout(timeoutMs) }),
      });
      // A progress stream stays open until its record settles; its status is what callers want.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel();
        return { status: response.status, headers: response.headers, text: '', json: undefined };
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async sql(statement, params = []) {
      const [result] = await sql.query(statement, params);
      return result;
    },
    async dbRecords(where = '1 = 1', params = []) {
      const [rows] = await sql.query(`SELECT * FROM dns_records WHERE ${where}`, params);
      return rows as Record<string, unknown>[];
    },
    async seedRecord(username, fields = {}) {
      const id = randomUUID();
      const { name, type, value, status }: SeededRecord = {
        name: uniqueId('seed'),
        type: 'A',
        value: '192.0.2.1',
        status: 'active',
        ...fields,
      };
      const fqdn = `${name}.${username}.${config.rootDomain}`;
      await sql.query(
        'INSERT INTO dns_records (id, username, name, fqdn, type, value, priority, ttl, status, version) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, 300, ?, 1)',
        [id, username, name, fqdn, type, value, type === 'MX' ? 10 : null, status],
      );
      return id;
    },
    queueKeys: () => redis.keys(`${queuePrefix}*`),
    async queuesReady() {
      // Every queue the api opens writes its key: both flows' and the reconcile queue.
      const metaKeys = ALL_QUEUES.map((name) => `${queuePrefix}:${name}:meta`);
      const deadline = Date.now() + 5_000;
      while ((await redis.exists(...metaKeys)) < metaKeys.length) {
        if (Date.now() > deadline)
          throw new Error(`queues under ${queuePrefix} never wrote their metadata`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await app.close();
      // Leaves first: obliterating a parent's queue first would leave it waiting on children.
      for (const name of [...WORKER_QUEUES, ...[...ALL_QUEUES].reverse()]) {
        const queue = new Queue(name, { connection: redis, prefix: queuePrefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      // What else lives under the prefix (the worker's Route 53 caches) goes too.
      const leftovers = await redis.keys(`${queuePrefix}*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      await sql.end();
      redis.disconnect();
      await database.drop();
    },
  };
}
