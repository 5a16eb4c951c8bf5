import { testStack, uniqueId } from '@starchart/testing';
import { type FlowJob, FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FlowAdder } from './flow-adder';

describe('FlowAdder', () => {
  const redisUrl = testStack().redis.url;
  const prefix = `{${uniqueId('adder')}}`;
  let connection: Redis;
  let producer: FlowProducer;
  let bulkCalls: number[];

  beforeAll(() => {
    connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    producer = new FlowProducer({ connection, prefix });
    // Counts the calls that reach Redis, and how many flows each one carried.
    const addBulk = producer.addBulk.bind(producer);
    producer.addBulk = (flows) => {
      bulkCalls.push(flows.length);
      return addBulk(flows);
    };
  });

  beforeEach(() => {
    bulkCalls = [];
  });

  afterAll(async () => {
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    await producer.close();
    connection.disconnect();
  });

  const flow = (id: string): FlowJob => ({
    name: 'root',
    queueName: 'adder-root',
    opts: { jobId: `root-${id}` },
    children: [{ name: 'child', queueName: 'adder-child', opts: { jobId: `child-${id}` } }],
  });

  it('adds the flows that callers ask for at the same moment in one call, every job of each', async () => {
    const adder = new FlowAdder(producer);
    const ids = Array.from({ length: 50 }, (_, i) => `same-${i}`);
    await Promise.all(ids.map((id) => adder.add(flow(id))));
    expect(bulkCalls).toEqual([50]);

    const roots = new Queue('adder-root', { connection, prefix });
    const children = new Queue('adder-child', { connection, prefix });
    try {
      for (const id of ids) {
        expect(await (await roots.getJob(`root-${id}`))?.getState()).toBe('waiting-children');
        expect(await (await children.getJob(`child-${id}`))?.getState()).toBe('waiting');
      }
    } finally {
      await roots.close();
      await children.close();
    }
  });

  it('sends at most 100 flows per call and the rest right after', async () => {
    const adder = new FlowAdder(producer);
    await Promise.all(Array.from({ length: 230 }, (_, i) => adder.add(flow(`many-${i}`))));
    expect(bulkCalls).toEqual([100, 100, 30]);
  });

  it('keeps callers that ask one after another apart', async () => {
    const adder = new FlowAdder(producer);
    await adder.add(flow('apart-1'));
    await adder.add(flow('apart-2'));
    expect(bulkCalls).toEqual([1, 1]);
  });

  it('fails every caller of a batch that Redis refused', async () => {
    // A connection that gives up at once: nothing listens on port 1.
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const deadProducer = new FlowProducer({ connection: dead, prefix });
    deadProducer.on('error', () => undefined);
    try {
      const adder = new FlowAdder(deadProducer);
      const results = await Promise.allSettled([1, 2, 3].map((i) => adder.add(flow(`dead-${i}`))));
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    } finally {
      await deadProducer.close().catch(() => undefined);
      dead.disconnect();
    }
  });
});
