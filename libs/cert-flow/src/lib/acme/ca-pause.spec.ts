import { createRedisClient, type RedisClient } from '@starchart/flow-runtime';
import { testStack, uniqueId } from '@starchart/testing';
import { CaPause, caPauseKey } from './ca-pause';

const BACKOFF = { firstMs: 60_000, maxMs: 300_000 };

describe('CaPause, the shared "new orders pause until" of a rateLimited CA', () => {
  let redis: RedisClient;
  let prefix: string;
  let now: number;
  const pause = (): CaPause => new CaPause(redis, prefix, BACKOFF, () => now);

  beforeAll(() => {
    redis = createRedisClient(
      { url: testStack().redis.url },
      { connectionName: 'ca-pause-spec', maxRetriesPerRequest: 1 },
    );
  });
  afterAll(() => redis.quit());

  beforeEach(() => {
    prefix = `{${uniqueId('pause')}}`;
    now = Date.parse('2026-12-07T12:00:00Z');
  });

  it('holds no pause until the CA asks for one', async () => {
    await expect(pause().pausedUntil()).resolves.toBeNull();
  });

  it('pauses until the Retry-After, for every worker, and ends by itself', async () => {
    const until = await pause().rateLimited(30_000);

    expect(until.toISOString()).toBe('2026-12-07T12:00:30.000Z');
    await expect(new CaPause(redis, prefix, BACKOFF, () => now).pausedUntil()).resolves.toEqual(
      until,
    );
    now += 30_000;
    await expect(pause().pausedUntil()).resolves.toBeNull();
  });

  it('is only ever extended: an earlier time from a concurrent writer leaves the later one', async () => {
    const writers = [5, 90, 30, 60, 10].map((s) => pause().rateLimited(s * 1_000));
    const seen = await Promise.all(writers);

    const latest = new Date(now + 90_000);
    expect(seen.at(-1)).toEqual(latest);
    await expect(pause().pausedUntil()).resolves.toEqual(latest);
    await expect(pause().pauseUntil(new Date(now + 1_000))).resolves.toEqual(latest);
    await expect(pause().pauseUntil(new Date(now + 120_000))).resolves.toEqual(
      new Date(now + 120_000),
    );
  });

  it('backs off without Retry-After: the first step, doubling for each answer after a pause, capped', async () => {
    const steps: number[] = [];
    for (let answer = 0; answer < 5; answer += 1) {
      const until = await pause().rateLimited(undefined);
      steps.push((until.getTime() - now) / 1_000);
      now = until.getTime();
    }
    expect(steps).toEqual([60, 120, 240, 300, 300]);
  });

  it('does not double for answers to requests sent before the pause began', async () => {
    const first = await pause().rateLimited(undefined);
    now += 1_000;
    await Promise.all([pause().rateLimited(undefined), pause().rateLimited(undefined)]);

    await expect(pause().pausedUntil()).resolves.toEqual(first);
    now = first.getTime();
    const next = await pause().rateLimited(undefined);
    expect(next.getTime() - now).toBe(120_000);
  });

  it('forgets the backoff after a quiet spell as long as its cap', async () => {
    const until = await pause().rateLimited(undefined);
    const ttlMs = await redis.pttl(caPauseKey(prefix));
    expect(ttlMs).toBeGreaterThan(0);
    // Relative to the writer's clock: the pause's length plus the cap.
    expect(Math.abs(ttlMs - (until.getTime() - now + BACKOFF.maxMs))).toBeLessThan(5_000);
  });
});
