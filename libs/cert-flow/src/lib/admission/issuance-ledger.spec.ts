import { testStack, uniqueId } from '@starchart/testing';
import { Redis } from 'ioredis';
import {
  estimateStarts,
  issuanceBudgets,
  THREE_HOURS_MS,
  WEEK_MS,
  type LedgerSnapshot,
} from './issuance-budget';
import { IssuanceLedger } from './issuance-ledger';

const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);
const HOUR = 3_600_000;

describe('IssuanceLedger against Redis', () => {
  let redis: Redis;
  const prefixes: string[] = [];

  const ledgerOf = (newPerWeek: number, ordersPer3h: number): IssuanceLedger => {
    const prefix = `{${uniqueId('budget')}}`;
    prefixes.push(prefix);
    return new IssuanceLedger(
      redis,
      prefix,
      issuanceBudgets({ newCertificatesPerWeek: newPerWeek, ordersPer3h }),
    );
  };

  beforeAll(() => {
    redis = new Redis(testStack().redis.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('admits new orders up to the weekly limit, then says when the oldest admission leaves the window', async () => {
    const ledger = ledgerOf(3, 100);
    for (let i = 0; i < 3; i += 1)
      expect(await ledger.admit('new', `order-${i}`, T0 + i * HOUR)).toEqual({
        admitted: true,
        charged: true,
      });
    expect(await ledger.admit('new', 'order-3', T0 + 5 * HOUR)).toEqual({
      admitted: false,
      retryAt: T0 + WEEK_MS,
    });
    // One millisecond early the first admission still counts; on the dot it has left.
    expect((await ledger.admit('new', 'order-3', T0 + WEEK_MS - 1)).admitted).toBe(false);
    expect(await ledger.admit('new', 'order-3', T0 + WEEK_MS)).toEqual({
      admitted: true,
      charged: true,
    });
    const snapshot = await ledger.read(T0 + WEEK_MS);
    expect(snapshot['new-certificates']).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + WEEK_MS]);
  });

  it('charges an order once however often it is admitted (a retry after a crash, two processes)', async () => {
    const ledger = ledgerOf(2, 100);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => ledger.admit('new', 'same-order', T0)),
    );
    expect(answers.filter((answer) => answer.admitted && answer.charged)).toHaveLength(1);
    expect(answers.every((answer) => answer.admitted)).toBe(true);
    expect((await ledger.read(T0))['orders']).toEqual([T0]);
    expect((await ledger.admit('new', 'other', T0)).admitted).toBe(true);
    expect((await ledger.admit('new', 'third', T0)).admitted).toBe(false);
  });

  it('admits exactly the limit out of many concurrent orders', async () => {
    const ledger = ledgerOf(10, 300);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ledger.admit('new', `order-${i}`, T0)),
    );
    expect(answers.filter((answer) => answer.admitted)).toHaveLength(10);
  });

  it('charges renewals to the orders budget only, ARI renewals to nothing', async () => {
    const ledger = ledgerOf(1, 3);
    expect((await ledger.admit('new', 'new-1', T0)).admitted).toBe(true);
    expect((await ledger.admit('new', 'new-2', T0)).admitted).toBe(false);
    expect((await ledger.admit('renewal', 'renew-1', T0)).admitted).toBe(true);
    expect((await ledger.admit('renewal', 'renew-2', T0)).admitted).toBe(true);
    // The orders budget is spent (3 in 3 h): a renewal waits until the oldest order leaves it.
    expect(await ledger.admit('renewal', 'renew-3', T0 + HOUR)).toEqual({
      admitted: false,
      retryAt: T0 + THREE_HOURS_MS,
    });
    // A renewal inside the CA's ARI window is exempt from every limit: admitted, charged nothing.
    expect(await ledger.admit('ari-renewal', 'ari-1', T0 + HOUR)).toEqual({
      admitted: true,
      charged: false,
    });
    const snapshot = await ledger.read(T0);
    expect(snapshot['new-certificates']).toEqual([T0]);
    expect(snapshot['orders']).toEqual([T0, T0, T0]);
  });

  it('keeps its keys under the prefix, in one Redis Cluster slot, expiring after the window', async () => {
    const ledger = ledgerOf(5, 5);
    await ledger.admit('new', 'order', Date.now());
    const keys = [ledger.keyOf('new-certificates'), ledger.keyOf('orders')];
    // Redis Cluster hashes only the first {hash tag} of a key: the same tag, the same slot.
    const tags = keys.map((key) => /\{[^}]+\}/.exec(key)?.[0]);
    expect(tags).toEqual([prefixes.at(-1), prefixes.at(-1)]);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    expect(ttls[0]).toBeGreaterThan(WEEK_MS - 60_000);
    expect(ttls[1]).toBeGreaterThan(THREE_HOURS_MS - 60_000);
    expect(ttls[1]).toBeLessThanOrEqual(THREE_HOURS_MS);
  });

  it('estimates the queue from the ledger, and the estimate is when the ledger admits', async () => {
    const ledger = ledgerOf(10, 300);
    // Ten admissions an hour apart spend the week; 20 orders wait.
    for (let i = 0; i < 10; i += 1) await ledger.admit('new', `first-${i}`, T0 + i * HOUR);
    const now = T0 + 10 * HOUR;
    const starts = estimateStarts(await ledger.read(now), ledger.budgets, 20, now);
    expect(starts.slice(0, 10)).toEqual(
      Array.from({ length: 10 }, (_, i) => T0 + i * HOUR + WEEK_MS),
    );
    expect(starts.slice(10)).toEqual(
      Array.from({ length: 10 }, (_, i) => T0 + i * HOUR + 2 * WEEK_MS),
    );
    // Run the queue at each estimate: every order is admitted exactly then, not a moment before.
    for (const [index, at] of starts.entries()) {
      expect((await ledger.admit('new', `queued-${index}`, at - 1)).admitted).toBe(false);
      expect((await ledger.admit('new', `queued-${index}`, at)).admitted).toBe(true);
    }
  });
});

describe('estimateStarts', () => {
  const budgets = issuanceBudgets({ newCertificatesPerWeek: 50, ordersPer3h: 300 });
  const empty: LedgerSnapshot = { 'new-certificates': [], orders: [] };

  it('starts at once what fits, then one week per 50', () => {
    const starts = estimateStarts(empty, budgets, 120, T0);
    expect(starts[0]).toBe(T0);
    expect(starts[49]).toBe(T0);
    expect(starts[50]).toBe(T0 + WEEK_MS);
    expect(starts[99]).toBe(T0 + WEEK_MS);
    expect(starts[119]).toBe(T0 + 2 * WEEK_MS);
  });

  it('takes the later of the budgets, and the CA’s pause', () => {
    const tight = issuanceBudgets({ newCertificatesPerWeek: 100, ordersPer3h: 2 });
    const starts = estimateStarts(empty, tight, 5, T0);
    expect(starts).toEqual([
      T0,
      T0,
      T0 + THREE_HOURS_MS,
      T0 + THREE_HOURS_MS,
      T0 + 2 * THREE_HOURS_MS,
    ]);
    expect(estimateStarts(empty, tight, 1, T0 + HOUR)).toEqual([T0 + HOUR]);
  });

  it('waits for a budget lowered below what the window already holds: two must leave', () => {
    const lowered = issuanceBudgets({ newCertificatesPerWeek: 2, ordersPer3h: 300 });
    const ledger: LedgerSnapshot = {
      'new-certificates': [T0, T0 + HOUR, T0 + 2 * HOUR],
      orders: [],
    };
    expect(estimateStarts(ledger, lowered, 1, T0 + 3 * HOUR)).toEqual([T0 + HOUR + WEEK_MS]);
  });
});
