import { testStack, uniqueId } from '@starchart/testing';
import { EmulatorControl, startPrivateEmulator } from '../../test/support/emulator';
import { createService, deleteKeys, testConfig } from '../../test/support/service';
import { InvalidChangeError, ZoneFullError } from './errors';
import type { RecordChange } from './record-set';
import type { Route53Service } from './route53.service';

jest.setTimeout(30_000);

// A zone of this file's own with room for 3 record sets besides its SOA and NS.
describe('Route53Service in a zone that fills up', () => {
  const stack = testStack();
  const keyPrefix = `${uniqueId('r53full')}:`;
  let zoneName: string;
  let service: Route53Service;
  const a = (action: RecordChange['action'], label: string, value = '192.0.2.1'): RecordChange => ({
    action,
    recordSet: { name: `${label}.${zoneName}`, type: 'A', ttl: 60, values: [value] },
  });

  beforeAll(async () => {
    const control = new EmulatorControl(stack.emulator.apiUrl);
    const zone = await control.createZone(`${uniqueId('full')}.test`, { maxRecordSets: 5 });
    zoneName = zone.name.replace(/\.$/, '');
    service = createService({
      config: testConfig(stack.emulator.apiUrl, zone.id),
      redisUrl: stack.redis.url,
      keyPrefix,
    });
  });

  afterAll(async () => {
    await service.close();
    await deleteKeys(stack.redis.url, keyPrefix);
  });

  it("reads the zone's count and quota with GetHostedZoneLimit", async () => {
    await expect(service.recordSetLimit()).resolves.toEqual({ count: 2, max: 5 });
  });

  it('lets in what fits of one batch and refuses each change past the quota as ZoneFullError', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((label) => service.submitChange(a('UPSERT', label))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ZoneFullError);
      expect(error).toMatchObject({ count: 5, max: 5, retryable: false });
      expect((error as Error).message).toMatch(
        /^the hosted zone holds 5 record sets and its quota \(MAX_RRSETS_BY_ZONE\) is 5: /,
      );
    }
    await expect(service.recordSetLimit()).resolves.toEqual({ count: 5, max: 5 });
  });

  it('still changes and deletes sets in a full zone, and a plain refusal stays what it was', async () => {
    const written: string[] = [];
    for await (const set of service.listRecordSets()) {
      if (set.type === 'A') written.push(set.name.slice(0, -zoneName.length - 1));
    }
    const [first, second] = written;
    if (!first || !second) throw new Error('expected sets in the zone');
    await service.submitChange(a('UPSERT', first, '192.0.2.9'));
    // A refusal of its own (a CNAME beside an A) stays what it was, although the zone is full.
    const clash = await service
      .submitChange({
        action: 'UPSERT',
        recordSet: { name: `${first}.${zoneName}`, type: 'CNAME', ttl: 60, values: ['x.test'] },
      })
      .catch((error: unknown) => error);
    expect(clash).toBeInstanceOf(InvalidChangeError);
    expect(clash).not.toBeInstanceOf(ZoneFullError);
    await service.submitChange(a('DELETE', second));
    await expect(service.submitChange(a('UPSERT', 'f'))).resolves.toEqual({
      changeId: expect.any(String),
    });
  });
});

// Counting calls needs an emulator of this file's own: the shared one serves every test file.
describe('Route53Service refusing a burst for a full zone', () => {
  it('reads the quota once for all the changes of one burst it has no room for', async () => {
    const emulator = await startPrivateEmulator({ rps: 0, burst: 5, insyncDelayMs: 0 });
    const keyPrefix = `${uniqueId('r53burst')}:`;
    const redisUrl = testStack().redis.url;
    const zone = await emulator.control.createZone(`${uniqueId('burst')}.test`, {
      maxRecordSets: 2,
    });
    const zoneName = zone.name.replace(/\.$/, '');
    const service = createService({
      config: testConfig(emulator.apiUrl, zone.id, { ratePerSecond: 50 }),
      redisUrl,
      keyPrefix,
    });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          service.submitChange({
            action: 'UPSERT',
            recordSet: { name: `r${i}.${zoneName}`, type: 'A', ttl: 60, values: ['192.0.2.1'] },
          }),
        ),
      );
      expect(
        results.map((r) => r.status === 'rejected' && r.reason instanceof ZoneFullError),
      ).toEqual(Array.from({ length: 8 }, () => true));
      const { requests } = await emulator.control.counters();
      // Bisected down to each change alone: 1 + 2 + 4 + 8 batches, and one reading of the quota.
      expect(requests['ChangeResourceRecordSets']).toBe(15);
      expect(requests['GetHostedZoneLimit']).toBe(1);
    } finally {
      await service.close();
      await emulator.close();
      await deleteKeys(redisUrl, keyPrefix);
    }
  });
});
