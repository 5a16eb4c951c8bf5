import { uniqueId } from '@starchart/testing';
import { ApiRedis } from '../../src/redis/api-redis';
import { type ApiHarness, startApi } from '../support/api-harness';

const USERS = 50;
const REQUESTS_PER_USER = 20;
const CONCURRENCY = 50;
const QUOTA = 10;
const WRITES_PER_MINUTE = 15;

jest.setTimeout(60_000);

describe(`load: ${USERS * REQUESTS_PER_USER} concurrent creates from ${USERS} users`, () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({
      tweak: (config) => {
        config.recordQuota = QUOTA;
        config.rateLimitPerMinute = WRITES_PER_MINUTE;
      },
    });
    // Until its connection is ready the limiter counts in memory; the burst must meet the shared count.
    const redis = api.app.get(ApiRedis);
    while (redis.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 20));
  });

  afterAll(async () => {
    await api?.close();
  });

  it('never answers 5xx; the quota and the rate limit hold exactly, each with a clear 4xx', async () => {
    const users = Array.from({ length: USERS }, () => uniqueId('load'));
    const tokens = new Map(
      await Promise.all(users.map(async (u) => [u, await api.token(u)] as const)),
    );
    // Interleaved, so every user has requests in flight at the same time.
    const requests = Array.from({ length: REQUESTS_PER_USER }, (_, index) =>
      users.map((username) => ({ username, name: `r${index}` })),
    ).flat();

    const started = Date.now();
    const answers = await mapConcurrently(requests, CONCURRENCY, async ({ username, name }) => {
      const answer = await api.request('POST', '/api/v1/records', {
        token: tokens.get(username),
        body: { name, type: 'A', value: '192.0.2.50' },
      });
      return { username, answer };
    });
    const elapsedMs = Date.now() - started;

    const byStatus = countBy(answers.map(({ answer }) => answer.status));
    console.log(
      `load: ${requests.length} POSTs, ${CONCURRENCY} at a time, in ${elapsedMs} ms ` +
        `(${Math.round((requests.length / elapsedMs) * 1000)}/s); by status: ${JSON.stringify(byStatus)}`,
    );

    // Each user's first WRITES_PER_MINUTE writes pass the limiter; QUOTA of those are accepted.
    expect(byStatus).toEqual({
      202: USERS * QUOTA,
      409: USERS * (WRITES_PER_MINUTE - QUOTA),
      429: USERS * (REQUESTS_PER_USER - WRITES_PER_MINUTE),
    });
    for (const { answer } of answers) {
      if (answer.status === 429) {
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:rate-limited' });
      }
      if (answer.status === 409) {
        expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:quota-exceeded' });
      }
    }
    const rows = (await api.sql(
      'SELECT username, COUNT(*) AS n FROM dns_records GROUP BY username',
    )) as { username: string; n: number }[];
    expect(rows).toHaveLength(USERS);
    expect(rows.every((row) => Number(row.n) === QUOTA)).toBe(true);
  });
});

async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
