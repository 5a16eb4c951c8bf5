import { parseDomainName } from './names';
import { recordSet } from './record-sets';
import { Route53Store } from './store';

describe('Route53Store', () => {
  const name = parseDomainName('example.com');
  const www = parseDomainName('www.example.com');
  let now: number;
  let store: Route53Store;

  beforeEach(() => {
    now = 1_000_000;
    store = new Route53Store(() => now);
  });

  const publishedWww = () =>
    store.publishedZones()[0]?.records.get(www.canonical, 'A')?.values ?? [];

  it('reaches INSYNC exactly insyncDelayMs after submission, and publishes only then', () => {
    const { zone } = store.createHostedZone(
      { name, callerReference: 'r' },
      { delayMs: 0, stuck: false },
    );
    const edit = { name: www, type: 'A' as const, next: recordSet(www, 'A', 60, ['192.0.2.1']) };
    const change = store.changeRecordSets(zone, [edit], 'c', { delayMs: 1000, stuck: false });
    expect(change).toMatchObject({
      status: 'PENDING',
      comment: 'c',
      submittedAt: new Date(1_000_000),
    });
    expect(zone.records.get(www.canonical, 'A')).toBeDefined();
    now += 999;
    expect(store.getChange(change.id)?.status).toBe('PENDING');
    expect(publishedWww()).toEqual([]);
    now += 1;
    expect(store.getChange(change.id)?.status).toBe('INSYNC');
    expect(publishedWww()).toEqual(['192.0.2.1']);
  });

  it('publishes changes of a zone in submission order, a stuck one holding back later ones', () => {
    const { zone } = store.createHostedZone(
      { name, callerReference: 'r' },
      { delayMs: 0, stuck: false },
    );
    const set = (value: string) => ({
      name: www,
      type: 'A' as const,
      next: recordSet(www, 'A', 60, [value]),
    });
    const first = store.changeRecordSets(zone, [set('192.0.2.1')], undefined, {
      delayMs: 10,
      stuck: true,
    });
    const second = store.changeRecordSets(zone, [set('192.0.2.2')], undefined, {
      delayMs: 0,
      stuck: false,
    });
    now += 60_000;
    expect([store.getChange(first.id)?.status, store.getChange(second.id)?.status]).toEqual([
      'PENDING',
      'PENDING',
    ]);
    expect(publishedWww()).toEqual([]);
    store.releaseStuck();
    expect([store.getChange(first.id)?.status, store.getChange(second.id)?.status]).toEqual([
      'INSYNC',
      'INSYNC',
    ]);
    expect(publishedWww()).toEqual(['192.0.2.2']);
  });

  it('gives a new zone an apex SOA and NS, and remembers caller references after deletion', () => {
    const { zone } = store.createHostedZone(
      { name, callerReference: 'once' },
      { delayMs: 0, stuck: false },
    );
    expect(zone.id).toMatch(/^Z[A-Z0-9]{20}$/);
    expect(zone.records.sorted().map((s) => `${s.type} ${s.ttl}`)).toEqual([
      'NS 172800',
      'SOA 900',
    ]);
    store.deleteHostedZone(zone.id, { delayMs: 0, stuck: false });
    expect(store.findZone(zone.id)).toBeUndefined();
    expect(store.publishedZones()).toEqual([]);
    expect(store.hasCallerReference('once')).toBe(true);
  });
});
