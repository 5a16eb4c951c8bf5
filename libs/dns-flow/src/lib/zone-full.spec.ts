import { createPrivateZone, testStack } from '@starchart/testing';
import { FlowHarness } from '../../test/support/harness';
import { DNS_QUEUES } from './queues';
import { ReconcilerService } from './reconcile/reconciler.service';
import { ZoneCapacity } from './zone-capacity/zone-capacity';

jest.setTimeout(30_000);

// A hosted zone of this file's own that holds 4 record sets: its SOA and NS, and two records.
describe('the DNS record flow in a zone that fills up', () => {
  let h: FlowHarness;
  let capacity: ZoneCapacity;

  beforeAll(async () => {
    const zone = await createPrivateZone(testStack(), { maxRecordSets: 4 });
    h = await FlowHarness.start({ zone });
    capacity = h.app.get(ZoneCapacity);
  });

  afterAll(() => h?.close());

  it('ends a create that does not fit in error with the reason, spending no retry, and tells the api', async () => {
    const fits = [h.newRecord({ value: '192.0.2.1' }), h.newRecord({ value: '192.0.2.2' })];
    for (const record of fits) await h.submit('create', record);
    for (const record of fits) {
      await expect(
        h.waitForRecord(record.id, (r) => r?.status !== 'pending'),
      ).resolves.toMatchObject({ status: 'active' });
    }
    await expect(capacity.full()).resolves.toBeUndefined();

    const extra = h.newRecord({ value: '192.0.2.3' });
    await h.submit('create', extra);
    const row = await h.waitForRecord(extra.id, (r) => r?.status !== 'pending');
    expect(row).toMatchObject({
      status: 'error',
      statusReason:
        'The DNS zone is full: it holds 4 record sets, as many as Route 53 allows it ' +
        "(MAX_RRSETS_BY_ZONE 4). Delete records, or ask an operator to raise the zone's quota.",
    });
    const steps = await h.flows.getSteps(extra);
    expect(steps.find((s) => s.step === DNS_QUEUES.createDnsRecord)).toMatchObject({
      state: 'failed',
      attempts: 1,
    });
    await expect(h.lookup(extra.fqdn, 'A')).resolves.toMatchObject({ rcode: 'NXDOMAIN' });
    await expect(capacity.full()).resolves.toMatchObject({ count: 4, max: 4 });

    // A delete the zone accepted makes room: the api lets creates through again.
    const [first] = fits;
    if (!first) throw new Error('no record');
    first.version = 2;
    await h.submit('delete', first);
    await expect(h.waitForRecord(first.id, (r) => r === null)).resolves.toBeNull();
    await expect(capacity.full()).resolves.toBeUndefined();
    const again = h.newRecord({ value: '192.0.2.4' });
    await h.submit('create', again);
    await expect(h.waitForRecord(again.id, (r) => r?.status !== 'pending')).resolves.toMatchObject({
      status: 'active',
    });

    // A reconcile run reads the zone's quota and finds it full again.
    const report = await h.app.get(ReconcilerService).reconcile();
    expect(report.zone).toEqual({ recordSets: 4, quota: 4 });
    await expect(capacity.full()).resolves.toMatchObject({ count: 4, max: 4 });
  });
});
