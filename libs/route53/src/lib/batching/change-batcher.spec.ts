import {
  InvalidChangeError,
  RecordSetExistsError,
  RecordSetNotFoundError,
  Route53ThrottledError,
} from '../errors';
import type { RecordChange } from '../record-set';
import { BUSY_BATCH_CHANGES, ChangeBatcher } from './change-batcher';

function upsert(name: string, value = '192.0.2.1'): RecordChange {
  return { action: 'UPSERT', recordSet: { name, type: 'A', ttl: 60, values: [value] } };
}

/**
 * Stands in for Route53Api over Route 53's atomic batches: refuses a whole batch when any change
 * in it is bad, listing every reason, and records the names of each batch it was sent.
 */
class AtomicZone {
  readonly calls: string[][] = [];
  inFlight = 0;
  maxInFlight = 0;
  failure: Error | undefined;

  constructor(private readonly reasons: ReadonlyMap<string, string> = new Map()) {}

  readonly send = async (changes: readonly RecordChange[]): Promise<string> => {
    this.calls.push(changes.map((c) => c.recordSet.name));
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight -= 1;
    if (this.failure) throw this.failure;
    const refused = changes.flatMap((c) => this.reasons.get(c.recordSet.name) ?? []);
    if (refused.length > 0) {
      throw new InvalidChangeError(refused.join(', '), 'InvalidChangeBatch');
    }
    return `C${this.calls.length}`;
  };
}

describe('ChangeBatcher', () => {
  it('sends changes submitted within the window as one batch and gives each its change id', async () => {
    const zone = new AtomicZone();
    const batcher = new ChangeBatcher(zone.send, { windowMs: 20 });
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) => batcher.submit(upsert(`${name}.test`))),
    );
    expect(zone.calls).toEqual([['a.test', 'b.test', 'c.test']]);
    expect(results).toEqual(['C1', 'C1', 'C1']);
  });

  it('keeps one batch in flight and sends what queued meanwhile as the next batch', async () => {
    const zone = new AtomicZone();
    const batcher = new ChangeBatcher(zone.send, { windowMs: 1 });
    const first = batcher.submit(upsert('a.test'));
    await new Promise((resolve) => setTimeout(resolve, 3));
    const later = ['b', 'c', 'd'].map((name) => batcher.submit(upsert(`${name}.test`)));
    await Promise.all([first, ...later]);
    expect(zone.maxInFlight).toBe(1);
    expect(zone.calls).toEqual([['a.test'], ['b.test', 'c.test', 'd.test']]);
  });

  it('under load, holds the next batch until the busy interval has passed, then sends it whole', async () => {
    const zone = new AtomicZone();
    const sentAt: number[] = [];
    const send = (changes: readonly RecordChange[]): Promise<string> => {
      sentAt.push(Date.now());
      return zone.send(changes);
    };
    // Changes keep arriving less often than the window but more often than QUIET_WINDOWS
    // windows: a steady stream, so the held batch never falls quiet.
    const batcher = new ChangeBatcher(send, { windowMs: 20, busyIntervalMs: 300 });
    const names = (prefix: string, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}.test`);
    const first = names('a', BUSY_BATCH_CHANGES).map((name) => batcher.submit(upsert(name)));
    await Promise.all(first);
    const trickle: Promise<string>[] = [];
    for (const name of names('b', 15)) {
      trickle.push(batcher.submit(upsert(name)));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await Promise.all(trickle);

    // Without the hold, the trickle after the first batch would have gone out one by one.
    const [, second] = zone.calls.map((call) => call.length);
    expect(second).toBeGreaterThanOrEqual(8);
    expect(zone.calls.flat()).toHaveLength(BUSY_BATCH_CHANGES + 15);
    expect((sentAt[1] ?? 0) - (sentAt[0] ?? 0)).toBeGreaterThanOrEqual(295);
  });

  it('sends a held batch early once no change has joined it for a few windows', async () => {
    const zone = new AtomicZone();
    const batcher = new ChangeBatcher(zone.send, { windowMs: 20, busyIntervalMs: 60_000 });
    const first = Array.from({ length: BUSY_BATCH_CHANGES }, (_, i) =>
      batcher.submit(upsert(`a${i}.test`)),
    );
    await Promise.all(first);
    const started = Date.now();
    // The last records of a burst: nothing follows them, so holding them helps no batch.
    await Promise.all(['x', 'y', 'z'].map((name) => batcher.submit(upsert(`${name}.test`))));
    expect(zone.calls.map((call) => call.length)).toEqual([BUSY_BATCH_CHANGES, 3]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not hold back the next batch after a small one', async () => {
    const zone = new AtomicZone();
    const batcher = new ChangeBatcher(zone.send, { windowMs: 1, busyIntervalMs: 60_000 });
    await batcher.submit(upsert('a.test'));
    await batcher.submit(upsert('b.test'));
    expect(zone.calls).toEqual([['a.test'], ['b.test']]);
  });

  it('sends two changes to one record set in consecutive batches, in order', async () => {
    const zone = new AtomicZone();
    const batcher = new ChangeBatcher(zone.send, { windowMs: 5 });
    const ids = await Promise.all([
      batcher.submit(upsert('same.test', '192.0.2.1')),
      batcher.submit(upsert('other.test')),
      batcher.submit(upsert('SAME.test.', '192.0.2.2')),
    ]);
    expect(zone.calls).toEqual([['same.test', 'other.test'], ['SAME.test.']]);
    expect(ids).toEqual(['C1', 'C1', 'C2']);
  });

  it('splits a refused batch until the bad change is alone, skipping halves known to be refused', async () => {
    const zone = new AtomicZone(new Map([['h.test', 'h is bad']]));
    const batcher = new ChangeBatcher(zone.send, { windowMs: 5 });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => `${n}.test`);
    const results = await Promise.allSettled(names.map((name) => batcher.submit(upsert(name))));

    expect(zone.calls).toEqual([
      names,
      names.slice(0, 4),
      names.slice(4, 6),
      ['g.test'],
      ['h.test'],
    ]);
    expect(results.slice(0, 7).map((r) => r.status)).toEqual(Array(7).fill('fulfilled'));
    const last = results[7];
    expect(last?.status === 'rejected' && last.reason).toEqual(
      new InvalidChangeError('h is bad', 'InvalidChangeBatch'),
    );
  });

  it('fails exactly the bad changes of 100, each with its own reason, and sends the rest', async () => {
    const bad = new Map([
      ['n7.test', 'Tried to create resource record set n7 but it already exists'],
      ['n42.test', 'FATAL problem: ARRDATAIllegalIPv4Address encountered with not-an-ip'],
      ['n93.test', 'Tried to delete resource record set n93 but it was not found'],
    ]);
    const zone = new AtomicZone(bad);
    const batcher = new ChangeBatcher(zone.send, { windowMs: 5 });
    const names = Array.from({ length: 100 }, (_, i) => `n${i}.test`);
    const results = await Promise.allSettled(names.map((name) => batcher.submit(upsert(name))));

    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ name: names[i], error: r.reason as unknown }] : [],
    );
    expect(failed).toEqual([
      { name: 'n7.test', error: expect.any(RecordSetExistsError) },
      { name: 'n42.test', error: expect.any(InvalidChangeError) },
      { name: 'n93.test', error: expect.any(RecordSetNotFoundError) },
    ]);
    for (const { name, error } of failed) {
      expect(error).toMatchObject({ message: bad.get(name ?? '') });
    }
    // Every change that went through was in a batch Route 53 accepted.
    const accepted = zone.calls.filter((call) => call.every((name) => !bad.has(name))).flat();
    expect(accepted.sort()).toEqual(names.filter((name) => !bad.has(name)).sort());
    expect(zone.calls.length).toBeLessThanOrEqual(30);
  });

  it('rejects every change of a batch with an error that is not about the changes', async () => {
    const zone = new AtomicZone();
    zone.failure = new Route53ThrottledError('Throttling: Rate exceeded', 'Throttling');
    const batcher = new ChangeBatcher(zone.send, { windowMs: 5 });
    const results = await Promise.allSettled(
      ['a', 'b'].map((name) => batcher.submit(upsert(`${name}.test`))),
    );
    expect(results).toEqual([
      { status: 'rejected', reason: zone.failure },
      { status: 'rejected', reason: zone.failure },
    ]);
  });

  it('sends what is queued at once when drained', async () => {
    const zone = new AtomicZone();
    const batcher = new ChangeBatcher(zone.send, { windowMs: 60_000 });
    const submitted = batcher.submit(upsert('a.test'));
    await batcher.drain();
    await expect(submitted).resolves.toBe('C1');
  });
});
