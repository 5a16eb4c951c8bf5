import {
  ListResourceRecordSetsCommand,
  Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { startPrivateStack, uniqueId, type PrivateStack } from '@starchart/testing';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { type ApiHarness, startApi } from '../support/api-harness';
import { startWorker, type WorkerProcess } from '../support/worker-process';

// A Redis Cluster of its own (3 masters, 3 replicas, node timeout 1 s): this file kills a master.
const SETUP_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 150_000;
const REQUEST_TIMEOUT_MS = 5_000;
const CREATE_ATTEMPTS = 80;
const SETTLE_MS = 45_000;

interface Accepted {
  id: string;
}

interface RecordRow {
  id: string;
  fqdn: string;
  type: string;
  value: string;
  status: string;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe('on a Redis Cluster: the record flow, and a master SIGKILLed mid-run', () => {
  let own: PrivateStack | undefined;
  let api: ApiHarness | undefined;
  const workers: WorkerProcess[] = [];
  let adminToken = '';

  const harness = (): ApiHarness => {
    if (!api) throw new Error('the api did not start');
    return api;
  };
  const stack = (): PrivateStack => {
    if (!own) throw new Error('the private stack did not start');
    return own;
  };
  const cluster = () => {
    const state = stack().state.redisCluster;
    if (!state) throw new Error('the private stack started no Redis Cluster');
    return state;
  };

  // The queues' hash tag, and the master that serves its slot: the apps' REDIS_URL names that
  // node, so the failover below also takes away the node every client started from.
  const prefix = `{${uniqueId('cluster')}}`;
  let seed = 0;

  beforeAll(async () => {
    own = await startPrivateStack(`${uniqueId('cluster')}.test`, { redisCluster: true });
    seed = await masterOf(prefix);
    api = await startApi({
      stack: own.state,
      env: {
        REDIS_URL: `redis://127.0.0.1:${seed}`,
        REDIS_CLUSTER: 'true',
        REDIS_CLUSTER_NODES: cluster()
          .nodes.map((node) => `127.0.0.1:${node.port}`)
          .join(','),
        QUEUE_PREFIX: prefix,
        RECORD_QUOTA: '20',
        RATE_LIMIT_PER_MINUTE: '10000',
        // Short, so that the reconciler resumes within the test a flow a failover lost.
        RECONCILE_GRACE_MS: '5000',
        LOG_LEVEL: 'error',
      },
    });
    for (let i = 0; i < 2; i += 1) workers.push(await startWorker(api.env));
    adminToken = await api.token('cluster-admin', { admin: true });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await api?.close().catch(() => undefined);
    await own?.down();
  }, SETUP_TIMEOUT_MS);

  /** Retried on 5xx and timeouts with one Idempotency-Key, so a retry never makes a second record. */
  async function createRecord(token: string, body: object, failures: string[]): Promise<Accepted> {
    const headers = { 'Idempotency-Key': randomUUID() };
    for (let attempt = 1; ; attempt += 1) {
      const answer = await harness()
        .request('POST', '/api/v1/records', { token, body, headers, timeoutMs: REQUEST_TIMEOUT_MS })
        .catch(() => undefined);
      if (answer?.status === 202) return answer.json as Accepted;
      if (answer && answer.status < 500)
        throw new Error(`create answered ${answer.status}: ${answer.text}`);
      failures.push(answer ? String(answer.status) : 'no answer');
      if (attempt === CREATE_ATTEMPTS)
        throw new Error(`create still failing: ${answer?.text ?? ''}`);
      await sleep(250);
    }
  }

  async function createMany(prefix: string, users: number, perUser: number, failures: string[]) {
    const requests = Array.from({ length: users * perUser }, (_, i) => ({
      user: `${prefix}${Math.floor(i / perUser)}`,
      body: { name: `r${i}`, type: 'A', value: `192.0.2.${(i % 250) + 1}`, ttl: 60 },
    }));
    const tokens = new Map<string, string>();
    for (const { user } of requests) tokens.set(user, await harness().token(user));
    const accepted: Accepted[] = [];
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          accepted.push(await createRecord(tokens.get(next.user) ?? '', next.body, failures));
          await sleep(30);
        }
      }),
    );
    return accepted;
  }

  const rows = async (): Promise<RecordRow[]> =>
    (await harness().sql('SELECT id, fqdn, type, value, status FROM dns_records')) as RecordRow[];

  const waitWhilePending = async (ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && (await rows()).some((row) => row.status === 'pending'))
      await sleep(500);
  };

  async function reconcile(): Promise<number> {
    const run = await harness().request('POST', '/api/v1/admin/reconcile', {
      token: adminToken,
      body: {},
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const { jobId } = run.json as { jobId: string };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const read = await harness().request('GET', `/api/v1/admin/reconcile/${jobId}`, {
        token: adminToken,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const body = read.json as {
        state: string;
        report: { upserted: number; deleted: number; requeued: number } | null;
      };
      if (body.state === 'completed' && body.report)
        return body.report.upserted + body.report.deleted + body.report.requeued;
      if (body.state === 'failed') throw new Error(`reconcile failed: ${read.text}`);
      await sleep(250);
    }
    throw new Error(
      `reconcile run ${jobId} did not complete within 60 s; workers:\n` +
        workers.map((worker) => worker.output().slice(-2_000)).join('\n---\n'),
    );
  }

  async function zoneSets(): Promise<string[]> {
    const client = new Route53Client({
      endpoint: stack().state.emulator.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const sets: string[] = [];
    try {
      let start: { name?: string; type?: RRType } = {};
      for (;;) {
        const page = await client.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: stack().state.emulator.zoneId,
            StartRecordName: start.name,
            StartRecordType: start.type,
          }),
        );
        for (const set of page.ResourceRecordSets ?? []) {
          if (set.Type === 'SOA' || set.Type === 'NS') continue;
          const name = (set.Name ?? '').replace(/\.$/, '');
          for (const value of set.ResourceRecords ?? [])
            sets.push(`${name} ${set.Type} ${value.Value}`);
        }
        if (!page.IsTruncated) return sets.sort();
        start = { name: page.NextRecordName, type: page.NextRecordType };
      }
    } finally {
      client.destroy();
    }
  }

  /** Every accepted record active once, and the zone holding exactly what the database says. */
  async function agreement(accepted: Accepted[]) {
    const all = await rows();
    const active = new Set(all.filter((row) => row.status === 'active').map((row) => row.id));
    const inDatabase = new Set(all.map((row) => `${row.fqdn} ${row.type} ${row.value}`));
    const inZone = await zoneSets();
    const zone = new Set(inZone);
    return {
      notActive: accepted.map((record) => record.id).filter((id) => !active.has(id)),
      duplicates: all.length - new Set(all.map((row) => `${row.fqdn} ${row.type}`)).size,
      orphans: inZone.filter((set) => !inDatabase.has(set)),
      missing: [...inDatabase].filter((set) => !zone.has(set)),
    };
  }

  /** The port of the master that serves the slot of a hash tag now. */
  async function masterOf(tag: string): Promise<number> {
    const live = cluster().nodes.find((node) => node.pid !== null);
    if (!live) throw new Error('no cluster node is running');
    const probe = new Redis(live.port, '127.0.0.1', { lazyConnect: true });
    try {
      await probe.connect();
      const slot = Number(await probe.call('CLUSTER', 'KEYSLOT', tag));
      const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return Number(range[2][1]);
    } finally {
      probe.disconnect();
    }
  }

  it(
    'runs the record flow on the cluster: every record ends active, zone and database agree',
    async () => {
      const failures: string[] = [];
      const accepted = await createMany('steady', 3, 5, failures);
      await waitWhilePending(SETTLE_MS);
      expect(await agreement(accepted)).toEqual({
        notActive: [],
        duplicates: 0,
        orphans: [],
        missing: [],
      });
      expect(failures).toEqual([]);
      // The apps wrote their queues to the cluster, nothing to the stack's single Redis.
      const single = new Redis(stack().state.redis.url);
      try {
        expect(await single.keys('*')).toEqual([]);
        expect(await single.dbsize()).toBe(0);
      } finally {
        single.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rides out a master SIGKILLed mid-run: its replica takes over, nothing is lost or done twice',
    async () => {
      const started = Date.now();
      const failures: string[] = [];
      const victim = await masterOf(prefix);
      expect(victim).toBe(seed);
      const creating = createMany('failover', 8, 10, failures);
      await sleep(1_500);
      await stack().killClusterNode(victim);
      const killedAt = Date.now();
      // The cluster says ok until the node timeout passes: wait for the replica's promotion.
      let promoted = victim;
      while (promoted === victim && Date.now() - killedAt < 20_000) {
        await sleep(100);
        promoted = await masterOf(prefix);
      }
      await stack().clusterOk(20_000);
      const failoverMs = Date.now() - killedAt;
      const accepted = await creating;
      await waitWhilePending(SETTLE_MS);
      let repaired = 0;
      for (let run = 0; run < 3; run += 1) {
        const changed = await reconcile();
        repaired += changed;
        if (changed === 0) break;
        await waitWhilePending(20_000);
      }
      const result = await agreement(accepted);
      process.stdout.write(
        `redis cluster failover: master ${victim} killed, ${promoted} serves the queues after ` +
          `${failoverMs} ms; ${accepted.length} accepted in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `client retries ${JSON.stringify(failures.reduce<Record<string, number>>((n, f) => ({ ...n, [f]: (n[f] ?? 0) + 1 }), {}))}, ` +
          `reconciler repaired ${repaired}\n`,
      );
      expect(promoted).not.toBe(victim);
      expect(accepted).toHaveLength(80);
      // A failover is a 503 the client retries, never a 500.
      expect(failures.filter((status) => status === '500')).toEqual([]);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null]);
      expect(result).toEqual({ notActive: [], duplicates: 0, orphans: [], missing: [] });
    },
    TEST_TIMEOUT_MS,
  );
});
