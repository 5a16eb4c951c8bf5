import { DNS_FLOW, DNS_QUEUES, flowIdFor, toJobData } from '@starchart/dns-flow';
import {
  createDataSourceOptions,
  DnsRecordEntity,
  runMigrations,
  toDatabaseConfig,
} from '@starchart/persistence';
import { mysqlUrl, testStack, uniqueId } from '@starchart/testing';
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import * as mysql from 'mysql2/promise';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';

const DIST = resolve(__dirname, '../../../dist/apps/worker');
const MAIN = resolve(DIST, 'main.js');

jest.setTimeout(60_000);

/** The built worker (`npx nx build worker`), run as a process against the test stack. */
describe('the worker process', () => {
  const stack = testStack();
  const databaseName = `starchart_${uniqueId('w')}`;
  const prefix = `{${uniqueId('worker')}}`;
  let server: mysql.Connection;
  let dataSource: DataSource;
  let redis: Redis;

  const workerEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'],
    REDIS_URL: stack.redis.url,
    QUEUE_PREFIX: prefix,
    DATABASE_URL: mysqlUrl(stack, databaseName),
    AWS_ENDPOINT_URL_ROUTE_53: stack.emulator.apiUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'starchart-test',
    AWS_SECRET_ACCESS_KEY: 'starchart-test',
    ROUTE53_HOSTED_ZONE_ID: stack.emulator.zoneId,
    WORKER_CONCURRENCY: '2',
    // A scheduled run would reconcile the shared zone against this test's database.
    RECONCILE_EVERY_MS: '0',
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nx build worker\` first`);
    server = await mysql.createConnection(mysqlUrl(stack));
    await server.query(`CREATE DATABASE \`${databaseName}\``);
    const database = toDatabaseConfig({
      DATABASE_URL: mysqlUrl(stack, databaseName),
      DATABASE_POOL_SIZE: 2,
    });
    await runMigrations(database);
    dataSource = await new DataSource(createDataSourceOptions(database)).initialize();
    redis = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    for (const name of DNS_FLOW.stepNames) {
      const queue = new Queue(name, { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await dataSource?.destroy();
    await server.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await server.end();
  });

  it('declares in its package.json every package its bundle requires', () => {
    const bundle = readFileSync(MAIN, 'utf8');
    const { dependencies } = JSON.parse(readFileSync(resolve(DIST, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)]
      .map(([, name]) => name ?? '')
      .filter((name) => !name.startsWith('node:') && !builtinModules.includes(name))
      .map((name) =>
        name
          .split('/')
          .slice(0, name.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    expect(required.length).toBeGreaterThan(5);
    expect(required.filter((name) => !(name in dependencies))).toEqual([]);
  });

  it('stops before starting, naming each bad variable', async () => {
    const worker = spawn(process.execPath, [MAIN], {
      env: { ...workerEnv(), REDIS_URL: 'http://127.0.0.1:6379', DATABASE_URL: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr = collect(worker.stderr);
    const [code] = (await once(worker, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr()).toMatch(/REDIS_URL: must be a redis:\/\//);
    expect(stderr()).toMatch(/DATABASE_URL/);
  });

  it('finishes its active job on SIGTERM, exits 0, and another process completes the flow', async () => {
    const first = await startWorker(workerEnv());
    const records = dataSource.getRepository(DnsRecordEntity);
    const username = uniqueId('u');
    const id = randomUUID();
    const record = records.create({
      id,
      username,
      name: 'www',
      fqdn: `www.${username}.${stack.emulator.rootDomain}`,
      type: 'A',
      value: '192.0.2.70',
      priority: null,
      ttl: 60,
      status: 'pending',
      statusReason: null,
      version: 1,
      flowId: flowIdFor({ op: 'create', recordId: id, version: 1 }),
      changeId: null,
    });
    await records.insert(record);
    // Keeps the Route 53 step busy long enough to be caught in the middle of it.
    await emulatorFault(stack.emulator.apiUrl, {
      operation: 'ChangeResourceRecordSets',
      kind: 'Delay',
      delayMs: 1_500,
      count: 1,
    });
    const producer = new FlowProducer({ connection: redis, prefix });
    await producer.add(DNS_FLOW.build(toJobData('create', record)));
    await producer.close();

    const createJobId = DNS_FLOW.jobIds({ op: 'create', recordId: id, version: 1 })[
      DNS_QUEUES.createDnsRecord
    ];
    const createQueue = new Queue(DNS_QUEUES.createDnsRecord, { connection: redis, prefix });
    try {
      await waitUntil(async () => (await createQueue.getJob(createJobId))?.getState(), 'active');
      first.process.kill('SIGTERM');
      const [code, signal] = (await once(first.process, 'exit')) as [number | null, string | null];

      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(['completed', 'waiting']).toContain(
        await (await createQueue.getJob(createJobId))?.getState(),
      );
      // Logs are JSON lines on stdout; a job caught by the shutdown must not have failed.
      expect(first.logs().filter((line) => /failed/.test(line))).toEqual([]);
      expect(first.stderr()).not.toMatch(/failed/);
    } finally {
      await createQueue.close();
    }

    const second = await startWorker(workerEnv());
    try {
      await waitUntil(async () => (await records.findOneBy({ id }))?.status, 'active');
    } finally {
      second.process.kill('SIGTERM');
      await once(second.process, 'exit');
    }
  });
});

interface RunningWorker {
  process: ChildProcess;
  stderr: () => string;
  /** Every line the worker printed on stdout. */
  logs: () => string[];
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<RunningWorker> {
  const worker = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = collect(worker.stderr);
  const lines = createInterface({ input: worker.stdout as NodeJS.ReadableStream });
  const printed: string[] = [];
  lines.on('line', (line) => printed.push(line));
  const ready = new Promise<void>((resolveReady, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('{') && (JSON.parse(line) as { event?: string }).event === 'ready') {
        resolveReady();
      }
    });
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr()}`)));
  });
  await ready;
  return { process: worker, stderr, logs: () => [...printed] };
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function waitUntil<T>(
  read: () => Promise<T>,
  expected: T,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
  throw new Error(`waited for ${String(expected)}, last saw ${String(last)}`);
}

async function emulatorFault(apiUrl: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${apiUrl}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!response.ok) throw new Error(`emulator fault: ${response.status}`);
}
