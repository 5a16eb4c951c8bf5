import { loseJob, startOwnRedisCluster, testStack, uniqueId } from '@starchart/testing';
import { FlowProducer, Queue, Worker, type FlowJob, type JobsOptions } from 'bullmq';
import {
  closeRedisConnection,
  createRedisConnection,
  type RedisClient,
  type RedisTarget,
} from '../redis-connection';
import {
  flowState,
  lostDependency,
  parseJobKey,
  removeFlowTree,
  type QueuesByName,
} from './broken-flows';

jest.setTimeout(60_000);

const ROOT = 'root-step';
const MID = 'mid-step';
const LEAF = 'leaf-step';
const SIDE = 'side-step';
const STEPS = [ROOT, MID, LEAF, SIDE];

/** root ← (mid ← leaf, side), the ids derived from the flow's key as the flow tables do. */
function tree(key: string, leaf: JobsOptions = {}): FlowJob {
  return {
    name: 'root',
    queueName: ROOT,
    opts: { jobId: `${key}-root` },
    children: [
      {
        name: 'mid',
        queueName: MID,
        opts: { jobId: `${key}-mid` },
        children: [{ name: 'leaf', queueName: LEAF, opts: { jobId: `${key}-leaf`, ...leaf } }],
      },
      { name: 'side', queueName: SIDE, opts: { jobId: `${key}-side` } },
    ],
  };
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('parseJobKey', () => {
  it("splits a job's key into its queue and id, and judges no other prefix", () => {
    expect(parseJobKey('{p}:create-dns-record:create-r1-v2', '{p}')).toEqual({
      queueName: 'create-dns-record',
      jobId: 'create-r1-v2',
    });
    expect(parseJobKey('{q}:create-dns-record:create-r1-v2', '{p}')).toBeUndefined();
    expect(parseJobKey('{p}:create-dns-record', '{p}')).toBeUndefined();
  });
});

describe.each([
  [
    'Redis',
    (): Promise<{ target: RedisTarget; down(): Promise<void> }> =>
      Promise.resolve({
        target: { url: testStack().redis.url, cluster: false },
        down: () => Promise.resolve(),
      }),
  ],
  [
    'a Redis Cluster',
    async (): Promise<{ target: RedisTarget; down(): Promise<void> }> => {
      const cluster = await startOwnRedisCluster();
      return { target: { url: cluster.state.url, cluster: true }, down: () => cluster.down() };
    },
  ],
])('a flow tree on %s', (_label, open) => {
  // One hash tag: the whole tree in one slot of a cluster.
  const prefix = `{${uniqueId('broken')}}`;
  let target: RedisTarget;
  let down: () => Promise<void> = () => Promise.resolve();
  let connection: RedisClient;
  let producer: FlowProducer;
  const queues = new Map<string, Queue>();
  const byName: QueuesByName = { find: (name) => queues.get(name) };
  const queue = (name: string): Queue => {
    const found = queues.get(name);
    if (!found) throw new Error(`no queue ${name}`);
    return found;
  };
  const stateOf = (key: string): Promise<string> => flowState(queue(ROOT), `${key}-root`, byName);

  beforeAll(async () => {
    ({ target, down } = await open());
    connection = createRedisConnection(target, 'producer', 'broken-flows-spec');
    producer = new FlowProducer({ connection, prefix });
    for (const name of STEPS) queues.set(name, new Queue(name, { connection, prefix }));
  });

  afterAll(async () => {
    for (const handle of queues.values()) {
      await handle.obliterate({ force: true }).catch(() => undefined);
      await handle.close();
    }
    await producer?.close();
    if (connection) await closeRedisConnection(connection);
    await down();
  });

  it('tells a tree whose every child is there from one that waits for a job Redis lost', async () => {
    await producer.add(tree('healthy'));
    await producer.add(tree('lost'));
    await loseJob(connection, { prefix, queue: LEAF, jobId: 'lost-leaf' });

    await expect(stateOf('healthy')).resolves.toBe('waiting-children');
    await expect(stateOf('lost')).resolves.toBe('broken');
    const root = await queue(ROOT).getJob('lost-root');
    if (!root) throw new Error('no root');
    await expect(lostDependency(root, byName)).resolves.toBe(`${prefix}:${LEAF}:lost-leaf`);
    await expect(flowState(queue(ROOT), null, byName)).resolves.toBe('unknown');
    await expect(stateOf('never-added')).resolves.toBe('unknown');
  });

  it('does not count a child that finished and was removed by retention as lost', async () => {
    await producer.add(tree('finished', { removeOnComplete: true }));
    const workerConnection = createRedisConnection(target, 'worker', 'broken-flows-spec');
    const worker = new Worker(LEAF, () => Promise.resolve('done'), {
      connection: workerConnection,
      prefix,
    });
    try {
      await until('the leaf to finish', async () => {
        const mid = await queue(MID).getJob('finished-mid');
        return (await mid?.getState()) === 'waiting';
      });
    } finally {
      await worker.close();
      await closeRedisConnection(workerConnection);
    }
    await expect(queue(LEAF).getJob('finished-leaf')).resolves.toBeUndefined();
    await expect(stateOf('finished')).resolves.toBe('waiting-children');
  });

  it("removes a broken tree's root and every job left of it, which frees its ids", async () => {
    await removeFlowTree(queue(ROOT), 'lost-root');
    for (const [name, id] of [
      [ROOT, 'lost-root'],
      [MID, 'lost-mid'],
      [SIDE, 'lost-side'],
    ] as const)
      await expect(queue(name).getJob(id)).resolves.toBeUndefined();
    await expect(stateOf('healthy')).resolves.toBe('waiting-children');

    await producer.add(tree('lost'));
    await expect(stateOf('lost')).resolves.toBe('waiting-children');
    await expect(queue(LEAF).getJob('lost-leaf')).resolves.toBeDefined();
  });
});
