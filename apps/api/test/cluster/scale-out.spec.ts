import { RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID } from '@starchart/dns-flow';
import { freePort, type PrivateStack, startPrivateStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ApiHarness, startApi } from '../support/api-harness';
import { readEvents } from '../support/sse';
import { startWorker, type WorkerProcess } from '../support/worker-process';

// Two api processes (this one, in-process, and the built api as a child) behind Debian's haproxy,
// three built workers, one Redis Cluster: what is shared must hold across all of them.
const HAPROXY = '/usr/sbin/haproxy';
const API_MAIN = resolve(__dirname, '../../../../dist/apps/api/main.js');
const SETUP_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 90_000;
const QUOTA = 10;
const WRITES_PER_MINUTE = 30;
// Route 53 as the emulator enforces it, and the one budget all three workers share through Redis.
const ROUTE53_RPS = 4;
// Every worker upserts the reconciler's job scheduler at this interval: one run per slot, not three.
const RECONCILE_EVERY_MS = 2_000;

interface Answer {
  status: number;
  servedBy: string;
  body: { id?: string; type?: string };
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

interface Child {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** A child process whose output is kept; `ready` is polled until true (or the deadline). */
async function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: () => Promise<boolean>,
): Promise<Child> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = (): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((done) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            done();
          });
          child.kill('SIGTERM');
        });
  const deadline = Date.now() + 60_000;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${command} exited:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} not ready in 60 s:\n${output}`);
    }
    await sleep(200);
  }
  return { child, output: () => output, stop };
}

describe('scale-out: two api processes behind haproxy, three workers, one Redis Cluster', () => {
  let own: PrivateStack | undefined;
  let api: ApiHarness | undefined;
  let secondApi: Child | undefined;
  let balancer: Child | undefined;
  let balancerUrl = '';
  const workers: WorkerProcess[] = [];

  const harness = (): ApiHarness => {
    if (!api) throw new Error('the api did not start');
    return api;
  };

  beforeAll(async () => {
    own = await startPrivateStack(`${uniqueId('scale')}.test`, { redisCluster: true });
    const cluster = own.state.redisCluster;
    if (!cluster) throw new Error('the private stack started no Redis Cluster');
    api = await startApi({
      stack: own.state,
      env: {
        REDIS_URL: cluster.url,
        REDIS_CLUSTER: 'true',
        REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(','),
        RECORD_QUOTA: String(QUOTA),
        RATE_LIMIT_PER_MINUTE: String(WRITES_PER_MINUTE),
        ROUTE53_RATE_PER_SECOND: String(ROUTE53_RPS),
        // One call per record (no batching): three workers on their own would send 3 × 4 calls/s.
        ROUTE53_BATCHING: 'off',
        LOG_LEVEL: 'error',
      },
    });
    await emulator('POST', 'config', { rps: ROUTE53_RPS, burst: ROUTE53_RPS });
    // The second api: the built app on the same database, queues and Redis Cluster.
    const secondPort = await freePort();
    const secondEnv = {
      ...api.env,
      PATH: process.env['PATH'] ?? '',
      API_PORT: String(secondPort),
      METRICS: 'off',
    };
    secondApi = await startChild(
      process.execPath,
      [API_MAIN],
      secondEnv,
      async () => (await fetch(`http://127.0.0.1:${secondPort}/health`)).ok,
    );
    const firstPort = new URL(api.baseUrl).port;
    const balancerPort = await freePort();
    const config = join(own.state.dataDir, 'haproxy.cfg');
    writeFileSync(
      config,
      [
        'defaults',
        '  mode http',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        'frontend api',
        `  bind 127.0.0.1:${balancerPort}`,
        '  default_backend apis',
        'backend apis',
        '  balance roundrobin',
        '  option httpchk GET /health',
        // Which api answered: the test wants both to take writes.
        '  http-response set-header X-Served-By %[srv_name]',
        `  server first 127.0.0.1:${firstPort} check inter 500ms`,
        `  server second 127.0.0.1:${secondPort} check inter 500ms`,
        '',
      ].join('\n'),
    );
    balancerUrl = `http://127.0.0.1:${balancerPort}`;
    balancer = await startChild(
      HAPROXY,
      ['-f', config, '-db'],
      { PATH: process.env['PATH'] ?? '' },
      async () => (await fetch(`${balancerUrl}/health`)).ok,
    );
    const workerEnv = { ...api.env, RECONCILE_EVERY_MS: String(RECONCILE_EVERY_MS) };
    for (let i = 0; i < 3; i += 1) workers.push(await startWorker(workerEnv));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await balancer?.stop();
    await secondApi?.stop();
    await api?.close().catch(() => undefined);
    await own?.down();
  }, SETUP_TIMEOUT_MS);

  async function emulator(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${own?.state.emulator.apiUrl ?? ''}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status}`);
    return response.json();
  }

  async function post(
    token: string,
    body: object,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${balancerUrl}/api/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      servedBy: response.headers.get('x-served-by') ?? '',
      body: (await response.json().catch(() => ({}))) as Answer['body'],
    };
  }

  const tally = (answers: Answer[]): Record<number, number> =>
    answers.reduce<Record<number, number>>(
      (n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }),
      {},
    );

  it(
    'holds the quota, the write rate limit and idempotency across both apis, and the workers settle every record',
    async () => {
      const quotaToken = await harness().token(uniqueId('quota'));
      const quota = await Promise.all(
        Array.from({ length: QUOTA + 5 }, (_, i) =>
          post(quotaToken, { name: `q${i}`, type: 'A', value: `192.0.2.${i + 1}`, ttl: 60 }),
        ),
      );

      // Invalid bodies: refused with 400 after the limiter counted them, never written.
      const rateToken = await harness().token(uniqueId('rate'));
      const writes = await Promise.all(
        Array.from({ length: WRITES_PER_MINUTE + 5 }, () => post(rateToken, {})),
      );

      const idemUser = uniqueId('idem');
      const idemToken = await harness().token(idemUser);
      const key = randomUUID();
      const repeats = await Promise.all(
        Array.from({ length: 6 }, () =>
          post(
            idemToken,
            { name: 'once', type: 'A', value: '192.0.2.9', ttl: 60 },
            { 'Idempotency-Key': key },
          ),
        ),
      );

      expect(tally(quota)).toEqual({ 202: QUOTA, 409: 5 });
      expect(quota.filter((a) => a.status === 409).map((a) => a.body.type)).toEqual(
        Array(5).fill('urn:starchart:problem:quota-exceeded'),
      );
      expect(tally(writes)).toEqual({ 400: WRITES_PER_MINUTE, 429: 5 });
      const replayed = repeats.filter((a) => a.status === 202 || a.status === 200);
      expect(replayed.length).toBeGreaterThan(0);
      expect(new Set(replayed.map((a) => a.body.id)).size).toBe(1);
      // Every refusal of the repeats says why (a request with that key is still in flight).
      expect(repeats.every((a) => a.status < 500)).toBe(true);
      const servedBy = new Set([...quota, ...writes, ...repeats].map((a) => a.servedBy));
      expect(servedBy).toEqual(new Set(['first', 'second']));

      const accepted = [...quota.filter((a) => a.status === 202), replayed[0]].map(
        (a) => a?.body.id,
      );
      const deadline = Date.now() + 45_000;
      let statuses: Record<string, number> = {};
      while (Date.now() < deadline) {
        const rows = (await harness().sql(
          `SELECT status, COUNT(*) AS n FROM dns_records WHERE id IN (${accepted.map(() => '?').join(',')}) GROUP BY status`,
          accepted,
        )) as { status: string; n: number }[];
        statuses = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
        if (statuses['active'] === accepted.length) break;
        await sleep(500);
      }
      expect(statuses).toEqual({ active: QUOTA + 1 });
      const idemRows = (await harness().sql('SELECT id FROM dns_records WHERE username = ?', [
        idemUser,
      ])) as { id: string }[];
      expect(idemRows).toHaveLength(1);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null, null]);
      // The shared Route 53 budget held across the three workers: the emulator throttled nothing.
      const counters = (await emulator('GET', 'counters')) as {
        requests: Record<string, number>;
        throttled: number;
      };
      const calls = Object.values(counters.requests).reduce((sum, n) => sum + n, 0);
      process.stdout.write(`scale-out: ${calls} Route 53 calls, ${counters.throttled} throttled\n`);
      expect(counters.throttled).toBe(0);
      expect(counters.requests['ChangeResourceRecordSets']).toBeGreaterThanOrEqual(QUOTA + 1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'streams, from the first api, the steps the workers report for a record the second api took',
    async () => {
      const token = await harness().token(uniqueId('stream'));
      let taken: Answer | undefined;
      for (let i = 0; i < 4 && taken?.servedBy !== 'second'; i += 1)
        taken = await post(token, { name: `s${i}`, type: 'A', value: '192.0.2.7', ttl: 60 });
      expect(taken).toMatchObject({ status: 202, servedBy: 'second' });
      const stream = await readEvents(
        `${harness().baseUrl}/api/v1/records/${taken?.body.id ?? ''}/events`,
        token,
      );
      expect(stream.status).toBe(200);
      const completed = new Set(
        stream.events
          .filter((e) => e.event === 'step' && (e.data as { state: string }).state === 'completed')
          .map((e) => (e.data as { step: string }).step),
      );
      expect([...completed].sort()).toEqual([
        'add-db-record',
        'check-dns-status',
        'create-dns-record',
        'sync-db-status',
      ]);
      expect(stream.events.at(-1)).toMatchObject({ event: 'done', data: { status: 'active' } });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs the reconciler once per slot although all three workers upsert its scheduler',
    async () => {
      const cluster = own?.state.redisCluster;
      if (!cluster) throw new Error('the private stack started no Redis Cluster');
      const connection = new Cluster(
        cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      );
      const queue = new Queue(RECONCILE_QUEUE, { connection, prefix: harness().queuePrefix });
      try {
        const from = Date.now();
        await sleep(5 * RECONCILE_EVERY_MS);
        const to = Date.now();
        const schedulers = await queue.getJobSchedulers();
        // Every run of a past slot, done or not yet (a loaded machine may still be on the last).
        const runs = await queue.getJobs(['completed', 'failed', 'active', 'waiting']);
        // A scheduled run's id is `repeat:<scheduler id>:<slot time>`.
        const slots = runs
          .map((run) => /^repeat:(.+):(\d+)$/.exec(run.id ?? ''))
          .filter((match) => match !== null)
          .map((match) => ({ scheduler: match[1], at: Number(match[2]) }))
          .filter(({ at }) => at >= from && at + RECONCILE_EVERY_MS <= to)
          .sort((a, b) => a.at - b.at);

        expect(schedulers.map((scheduler) => [scheduler.key, scheduler.every])).toEqual([
          [RECONCILE_SCHEDULER_ID, RECONCILE_EVERY_MS],
        ]);
        expect(slots.length).toBeGreaterThanOrEqual(3);
        expect(new Set(slots.map(({ scheduler }) => scheduler))).toEqual(
          new Set([RECONCILE_SCHEDULER_ID]),
        );
        // One run per slot: consecutive runs are whole intervals apart (one, unless a slot came
        // while the machine was too busy to add it), never two in a slot or one in between.
        const gaps = slots.slice(1).map(({ at }, i) => at - (slots[i]?.at ?? 0));
        expect(
          gaps.filter((gap) => gap < RECONCILE_EVERY_MS || gap % RECONCILE_EVERY_MS !== 0),
        ).toEqual([]);
        expect(await queue.getJobs(['failed'])).toEqual([]);
      } finally {
        await queue.close();
        connection.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
