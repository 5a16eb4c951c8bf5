import { testStack, uniqueId } from '@starchart/testing';
import { Redis } from 'ioredis';
import { deleteKeys } from '../../../test/support/service';
import { Route53UnavailableError } from '../errors';
import type { ChangeStatus } from '../record-set';
import { ChangeStatusCache } from './change-status-cache';

describe('ChangeStatusCache', () => {
  const redisUrl = testStack().redis.url;
  const keyPrefix = `${uniqueId('r53status')}:`;
  const connections: Redis[] = [];

  /** A cache with a Redis connection of its own, as a separate process would have. */
  function processCache(fetch: (changeId: string) => Promise<ChangeStatus>): ChangeStatusCache {
    const redis = new Redis(redisUrl);
    connections.push(redis);
    return new ChangeStatusCache(redis, fetch, {
      keyPrefix,
      pendingTtlMs: 100,
      waitIntervalMs: 10,
    });
  }

  function countingFetch(status: ChangeStatus) {
    const calls: string[] = [];
    const fetch = async (changeId: string) => {
      calls.push(changeId);
      await new Promise((resolve) => setTimeout(resolve, 30));
      return status;
    };
    return { calls, fetch };
  }

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
    await deleteKeys(redisUrl, keyPrefix);
  });

  it('asks once for concurrent callers of two processes', async () => {
    const first = countingFetch('PENDING');
    const second = countingFetch('PENDING');
    const caches = [processCache(first.fetch), processCache(second.fetch)];
    const changeId = uniqueId('C');

    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => caches[i % 2]?.get(changeId)),
    );

    expect(statuses).toEqual(Array(50).fill('PENDING'));
    expect(first.calls.length + second.calls.length).toBe(1);
  });

  it('asks again once a PENDING answer is older than its TTL', async () => {
    const { calls, fetch } = countingFetch('PENDING');
    const cache = processCache(fetch);
    const changeId = uniqueId('C');

    await cache.get(changeId);
    await cache.get(changeId);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await cache.get(changeId);

    expect(calls).toHaveLength(2);
  });

  it('asks less often the longer a change stays PENDING', async () => {
    const { calls, fetch } = countingFetch('PENDING');
    const redis = new Redis(redisUrl);
    connections.push(redis);
    const cache = new ChangeStatusCache(redis, fetch, {
      keyPrefix,
      pendingTtlMs: 20,
      maxPendingTtlMs: 400,
      waitIntervalMs: 5,
    });
    const changeId = uniqueId('C');
    const askedAt: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 1_600) {
      const before = calls.length;
      await cache.get(changeId);
      if (calls.length > before) askedAt.push(Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    // A fixed 20 ms TTL would ask every ~55 ms (a fetch takes 30 ms): about 30 times, 55 ms apart.
    expect(askedAt.length).toBeLessThan(15);
    const gaps = askedAt.slice(1).map((at, i) => at - (askedAt[i] ?? 0));
    expect(gaps.at(-1)).toBeGreaterThan(200);
  });

  it('keeps an INSYNC answer, which never changes', async () => {
    const { calls, fetch } = countingFetch('INSYNC');
    const cache = processCache(fetch);
    const changeId = uniqueId('C');

    await cache.get(changeId);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(cache.get(changeId)).resolves.toBe('INSYNC');

    expect(calls).toHaveLength(1);
  });

  it('lets another process ask when the one that asked failed', async () => {
    const failure = new Route53UnavailableError('InternalFailure: try again', 'InternalFailure');
    const failing = processCache(() => Promise.reject(failure));
    const { calls, fetch } = countingFetch('INSYNC');
    const working = processCache(fetch);
    const changeId = uniqueId('C');

    await expect(failing.get(changeId)).rejects.toBe(failure);
    await expect(working.get(changeId)).resolves.toBe('INSYNC');
    expect(calls).toEqual([changeId]);
  });
});
