import { answerData, queryDns, testStack, uniqueId } from '@starchart/testing';
import { startPrivateEmulator, type PrivateEmulator } from '../../test/support/emulator';
import { createService, deleteKeys, testConfig, waitForInsync } from '../../test/support/service';
import type { RecordChange, RecordSet } from './record-set';
import type { Route53Service } from './route53.service';

// Counters are per emulator, so this file runs one of its own.
describe('Route53Service batching', () => {
  const redisUrl = testStack().redis.url;
  const keyPrefix = `${uniqueId('r53batch')}:`;
  let emulator: PrivateEmulator;
  let zone: { id: string; name: string };
  let service: Route53Service;
  const zoneName = () => zone.name.replace(/\.$/, '');

  beforeAll(async () => {
    emulator = await startPrivateEmulator({ rps: 5, burst: 5, insyncDelayMs: 300 });
    zone = await emulator.control.createZone(`${uniqueId('batch')}.test`);
    service = createService({ config: testConfig(emulator.apiUrl, zone.id), redisUrl, keyPrefix });
  });

  afterAll(async () => {
    await service.close();
    await emulator.close();
    await deleteKeys(redisUrl, keyPrefix);
  });

  it('sends 500 concurrent upserts in at most 5 calls, and all of them reach INSYNC and DNS', async () => {
    const before = await emulator.control.counters();
    const recordSets: RecordSet[] = Array.from({ length: 500 }, (_, i) => ({
      name: `host${i}.${zoneName()}`,
      type: 'A',
      ttl: 60,
      values: [`10.0.${Math.floor(i / 250)}.${i % 250}`],
    }));

    const results = await Promise.all(
      recordSets.map((recordSet) => service.submitChange({ action: 'UPSERT', recordSet })),
    );

    const after = await emulator.control.counters();
    const calls =
      (after.requests['ChangeResourceRecordSets'] ?? 0) -
      (before.requests['ChangeResourceRecordSets'] ?? 0);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(5);

    const changeIds = [...new Set(results.map((result) => result.changeId))];
    const rounds = await waitForInsync(
      service,
      results.map((result) => result.changeId),
    );
    const polled = await emulator.control.counters();
    const getChanges = (polled.requests['GetChange'] ?? 0) - (after.requests['GetChange'] ?? 0);
    // 500 callers per round, yet at most one GetChange per batch per round.
    expect(getChanges).toBeLessThanOrEqual(rounds * changeIds.length);

    for (let i = 0; i < recordSets.length; i += 50) {
      await Promise.all(
        recordSets.slice(i, i + 50).map(async ({ name, values }) => {
          const answer = await queryDns(emulator.dnsPort, name, 'A');
          expect(answerData(answer, 'A')).toEqual(values);
        }),
      );
    }
  });

  it('pages through the whole zone', async () => {
    const names = new Set<string>();
    for await (const recordSet of service.listRecordSets())
      names.add(`${recordSet.name} ${recordSet.type}`);
    expect(names.size).toBeGreaterThan(300);
    expect(names).toContain(`host0.${zoneName()} A`);
    expect(names).toContain(`host499.${zoneName()} A`);
    expect(names).toContain(`${zoneName()} SOA`);
  });

  it('asks Route 53 once for a change that many callers of two processes wait on', async () => {
    const other = createService({
      config: testConfig(emulator.apiUrl, zone.id),
      redisUrl,
      keyPrefix,
    });
    try {
      const { changeId } = await service.submitChange(upsert(`shared.${zoneName()}`));
      const before = await emulator.control.counters();
      const statuses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (i % 2 === 0 ? service : other).getChangeStatus(changeId),
        ),
      );
      const after = await emulator.control.counters();
      expect(new Set(statuses).size).toBe(1);
      expect((after.requests['GetChange'] ?? 0) - (before.requests['GetChange'] ?? 0)).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('needs no GetChange when Route 53 answers a change with INSYNC at once', async () => {
    // A zone of its own: Route 53 (and the emulator) applies a zone's changes in order, so a
    // change of an earlier test still PENDING there would hold this one PENDING behind it.
    const instantZone = await emulator.control.createZone(`${uniqueId('instant')}.test`);
    const instant = createService({
      config: testConfig(emulator.apiUrl, instantZone.id),
      redisUrl,
      keyPrefix,
    });
    await emulator.control.configure({ insyncDelayMs: 0 });
    try {
      const before = await emulator.control.counters();
      const names = [1, 2, 3].map((i) => `instant${i}.${instantZone.name.replace(/\.$/, '')}`);
      const results = await Promise.all(names.map((name) => instant.submitChange(upsert(name))));
      const statuses = await Promise.all(
        results.map(({ changeId }) => instant.getChangeStatus(changeId)),
      );
      const after = await emulator.control.counters();
      expect(statuses).toEqual(['INSYNC', 'INSYNC', 'INSYNC']);
      expect((after.requests['GetChange'] ?? 0) - (before.requests['GetChange'] ?? 0)).toBe(0);
    } finally {
      await emulator.control.configure({ insyncDelayMs: 300 });
      await instant.close();
    }
  });

  it('sends one call per change and reads every status from Route 53 when batching is off', async () => {
    const naive = createService({
      config: testConfig(emulator.apiUrl, zone.id, { batching: false }),
      redisUrl,
      keyPrefix,
    });
    try {
      const before = await emulator.control.counters();
      const results = await Promise.all(
        [1, 2, 3, 4].map((i) => naive.submitChange(upsert(`naive${i}.${zoneName()}`))),
      );
      const [first] = results;
      if (!first) throw new Error('no result');
      await Promise.all([1, 2, 3].map(() => naive.getChangeStatus(first.changeId)));
      const after = await emulator.control.counters();
      const delta = (operation: string) =>
        (after.requests[operation] ?? 0) - (before.requests[operation] ?? 0);
      expect(new Set(results.map((r) => r.changeId)).size).toBe(4);
      expect(delta('ChangeResourceRecordSets')).toBe(4);
      expect(delta('GetChange')).toBe(3);
    } finally {
      await naive.close();
    }
  });
});

function upsert(name: string): RecordChange {
  return { action: 'UPSERT', recordSet: { name, type: 'A', ttl: 60, values: ['192.0.2.10'] } };
}
