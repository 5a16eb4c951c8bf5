import { CaPause, caPauseKey } from '@starchart/cert-flow';
import { createRedisClient } from '@starchart/flow-runtime';
import { startPrivateStack, uniqueId, type PrivateStack } from '@starchart/testing';
import { Redis } from 'ioredis';
import { type ApiHarness, startApi } from '../support/api-harness';
import { ChaosRun } from '../support/chaos';
import {
  agreement,
  createRecords,
  newCounters,
  reconcileUntilQuiet,
  recordStatusCounts,
  sleep,
  waitWhilePending,
  type Accepted,
  type ClientCounters,
} from '../support/record-load';
import { startWorker, type WorkerProcess } from '../support/worker-process';

// A Redis Cluster of its own (3 masters, 3 replicas, node timeout 1 s): this file kills a master.
const SETUP_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 150_000;
const CREATE_ATTEMPTS = 80;
const SETTLE_MS = 45_000;

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
  // The masters SIGKILLed so far: each comes back as a replica before the next failover.
  const killed: number[] = [];

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

  const createMany = (
    userPrefix: string,
    users: number,
    perUser: number,
    counters: ClientCounters,
  ): Promise<Accepted[]> =>
    createRecords(
      harness(),
      { userPrefix, users, perUser, clients: 8, pauseMs: 30, attempts: CREATE_ATTEMPTS },
      counters,
    );

  /** Reconcile runs until one changes nothing; how many record sets they repaired. */
  const reconcile = (): Promise<number> =>
    reconcileUntilQuiet(harness(), adminToken, {
      timeoutMs: 60_000,
      onTimeout: () =>
        'workers:\n' + workers.map((worker) => worker.output().slice(-2_000)).join('\n---\n'),
    });

  /** Every accepted record active once, and the zone holding exactly what the database says. */
  async function agreed(accepted: Accepted[]) {
    const { lost, duplicates, orphans, missing } = await agreement(
      harness(),
      stack().state.emulator,
      accepted,
    );
    return { lost, duplicates, orphans, missing };
  }

  /** Waits until the master on `port` has a replica in sync, so that it can fail over. */
  async function replicaInSync(port: number): Promise<void> {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true });
    try {
      await probe.connect();
      const deadline = Date.now() + 30_000;
      while (!/^slave\d+:.*state=online/m.test(await probe.info('replication'))) {
        if (Date.now() > deadline) throw new Error(`the master on ${port} has no replica in sync`);
        await sleep(200);
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILLs the master of the queues' slot and waits until its replica serves it. */
  async function failOver(): Promise<{ victim: number; promoted: number; failoverMs: number }> {
    const victim = await masterOf(prefix);
    await stack().killClusterNode(victim);
    killed.push(victim);
    const killedAt = Date.now();
    // The cluster says ok until the node timeout passes: wait for the replica's promotion.
    let promoted = victim;
    while (promoted === victim && Date.now() - killedAt < 20_000) {
      await sleep(100);
      promoted = await masterOf(prefix);
    }
    await stack().clusterOk(20_000);
    return { victim, promoted, failoverMs: Date.now() - killedAt };
  }

  /** The port of the master that serves the slot of a hash tag now. */
  async function masterOf(tag: string): Promise<number> {
    return withProbe(async (probe) => {
      const slot = await slotOf(tag);
      const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return Number(range[2][1]);
    });
  }

  const slotOf = (key: string): Promise<number> =>
    withProbe(async (probe) => Number(await probe.call('CLUSTER', 'KEYSLOT', key)));

  /** A plain connection to any running node, for CLUSTER questions. */
  async function withProbe<T>(ask: (probe: Redis) => Promise<T>): Promise<T> {
    const live = cluster().nodes.find((node) => node.pid !== null);
    if (!live) throw new Error('no cluster node is running');
    const probe = new Redis(live.port, '127.0.0.1', { lazyConnect: true });
    try {
      await probe.connect();
      return await ask(probe);
    } finally {
      probe.disconnect();
    }
  }

  it(
    'runs the record flow on the cluster: every record ends active, zone and database agree',
    async () => {
      const counters = newCounters();
      const accepted = await createMany('steady', 3, 5, counters);
      await waitWhilePending(harness(), SETTLE_MS);
      expect(await agreed(accepted)).toEqual({
        lost: [],
        duplicates: 0,
        orphans: [],
        missing: [],
      });
      expect(counters.statuses).toEqual({});
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

  it('keeps the CA pause in the queues’ slot, its script run on the cluster and shared by every client', async () => {
    const client = (name: string) =>
      createRedisClient(
        {
          url: `redis://127.0.0.1:${seed}`,
          cluster: true,
          seeds: cluster().nodes.map((node) => `127.0.0.1:${node.port}`),
        },
        { connectionName: name, maxRetriesPerRequest: 1 },
      );
    const [one, other] = [client('pause-one'), client('pause-other')];
    try {
      const until = await new CaPause(one, prefix).rateLimited(30_000);
      const kept = await new CaPause(other, prefix).pauseUntil(new Date(Date.now() + 1_000));

      expect(kept).toEqual(until);
      await expect(new CaPause(other, prefix).pausedUntil()).resolves.toEqual(until);
      expect(await slotOf(caPauseKey(prefix))).toBe(await slotOf(prefix));
    } finally {
      await one.del(caPauseKey(prefix));
      one.disconnect();
      other.disconnect();
    }
  });

  it(
    'rides out a master SIGKILLed mid-run: its replica takes over, nothing is lost or done twice',
    async () => {
      const started = Date.now();
      const counters = newCounters();
      expect(await masterOf(prefix)).toBe(seed);
      const creating = createMany('failover', 8, 10, counters);
      await sleep(1_500);
      const { victim, promoted, failoverMs } = await failOver();
      expect(victim).toBe(seed);
      const accepted = await creating;
      await waitWhilePending(harness(), SETTLE_MS);
      const repaired = await reconcile();
      const result = await agreed(accepted);
      process.stdout.write(
        `redis cluster failover: master ${victim} killed, ${promoted} serves the queues after ` +
          `${failoverMs} ms; ${accepted.length} accepted in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `client retries ${JSON.stringify(counters.statuses)}, ` +
          `reconciler repaired ${repaired}\n`,
      );
      expect(promoted).not.toBe(victim);
      expect(accepted).toHaveLength(80);
      // A failover is a 503 the client retries, never a 500.
      expect(counters.statuses['500'] ?? 0).toBe(0);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null]);
      expect(result).toEqual({ lost: [], duplicates: 0, orphans: [], missing: [] });
    },
    TEST_TIMEOUT_MS,
  );
  it(
    'ends the chaos run on the cluster (Route 53 faults, workers SIGKILLed, MariaDB restarted, a master SIGKILLed) with every record active once',
    async () => {
      // The master the last test killed rejoins as the replica of the one that took over.
      for (const port of killed.splice(0)) await stack().restartClusterNode(port);
      await stack().clusterOk(20_000);
      await replicaInSync(await masterOf(prefix));

      const run = new ChaosRun(stack(), workers, () => harness().env);
      run.begin();
      const callsBefore = await run.route53Calls();
      const counters = newCounters();
      const crashRedis = async (): Promise<void> => {
        const { victim, promoted, failoverMs } = await failOver();
        run.note(
          `master ${victim} SIGKILLed; ${promoted} serves the queues after ${failoverMs} ms`,
        );
      };
      const [accepted] = await Promise.all([
        createRecords(
          harness(),
          {
            userPrefix: 'chaos',
            users: 10,
            perUser: 10,
            clients: 8,
            pauseMs: 30,
            attempts: CREATE_ATTEMPTS,
          },
          counters,
        ),
        run.faults(crashRedis),
      ]);
      run.note(`all ${accepted.length} creates accepted`);
      await waitWhilePending(harness(), SETTLE_MS);
      const afterFlows = await recordStatusCounts(harness());
      run.note(`flows settled: ${JSON.stringify(afterFlows)}`);
      if (afterFlows['pending']) await run.noteUnsettled(harness().env);
      await run.emulator('DELETE', 'faults');
      const faulted = await run.faultedCallsSince(callsBefore);
      const repaired = await reconcile();
      const result = await agreed(accepted);
      process.stdout.write(
        `redis cluster chaos: ${run.elapsedS()} s, ${counters.retries} client retries ` +
          `${JSON.stringify(counters.statuses)}, reconciler repaired ${repaired}\n` +
          `${run.events.join('\n')}\n${run.workersReport()}\n`,
      );
      expect(accepted).toHaveLength(100);
      // The faults bit: Route 53 failed or throttled some of the flows' calls.
      expect(faulted).toBeGreaterThan(0);
      expect(counters.statuses['500'] ?? 0).toBe(0);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null]);
      expect(result).toEqual({ lost: [], duplicates: 0, orphans: [], missing: [] });
    },
    TEST_TIMEOUT_MS,
  );
});
