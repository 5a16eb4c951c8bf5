import { FlowHarness, waitFor } from '../../test/support/harness';
import { DNS_FLOW } from './flow';
import { DNS_QUEUES } from './queues';

jest.setTimeout(30_000);

describe('the DNS record flow when things go wrong', () => {
  let h: FlowHarness;
  let insyncDelayMs: number;

  beforeAll(async () => {
    h = await FlowHarness.start();
    insyncDelayMs = await h.insyncDelayMs();
  });

  afterAll(() => h?.close());

  it('marks the record error with Route 53 reason when Route 53 refuses the change', async () => {
    // The api would refuse this value; written straight into the row it reaches Route 53.
    const record = h.newRecord({ value: 'not-an-ip' });
    await h.submit('create', record);

    const row = await h.waitForRecord(record.id, (r) => r?.status !== 'pending');
    expect(row?.status).toBe('error');
    expect(row?.statusReason).toMatch(/^Route 53 refused the change: .*not-an-ip/);

    const steps = await h.flows.getSteps(record);
    // Refused is final: no retry spent on it.
    expect(steps.find((s) => s.step === DNS_QUEUES.createDnsRecord)).toMatchObject({
      state: 'failed',
      attempts: 1,
    });
    expect(steps.find((s) => s.step === DNS_QUEUES.syncDbStatus)).toMatchObject({
      state: 'completed',
      returnValue: { outcome: 'error', reason: row?.statusReason },
    });
    await expect(h.lookup(record.fqdn, 'A')).resolves.toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('writes the status only once both branches have settled', async () => {
    const dbStep = h.worker(DNS_QUEUES.addDbRecord);
    await dbStep.pause();
    const record = h.newRecord({ value: 'not-an-ip' });
    await h.submit('create', record);
    const ids = DNS_FLOW.jobIds({ op: 'create', recordId: record.id, version: 1 });
    await h.waitForJob(DNS_QUEUES.checkDnsStatus, ids[DNS_QUEUES.checkDnsStatus], ['failed']);

    // The Route 53 branch failed for good, but the root still waits for the DB step.
    const root = await h.jobs(DNS_QUEUES.syncDbStatus).getJob(ids[DNS_QUEUES.syncDbStatus]);
    await expect(root?.getState()).resolves.toBe('waiting-children');
    dbStep.resume();
    await expect(h.waitForRecord(record.id, (r) => r?.status !== 'pending')).resolves.toMatchObject(
      {
        status: 'error',
      },
    );
  });

  it('still makes the record active through injected Throttling and InternalFailure', async () => {
    await h.addFault({ operation: 'ChangeResourceRecordSets', kind: 'Throttling', count: 2 });
    await h.addFault({ operation: 'GetChange', kind: 'InternalFailure', count: 2 });
    const record = h.newRecord({ value: '192.0.2.30' });
    await h.submit('create', record);

    const row = await h.waitForRecord(record.id, (r) => r?.status !== 'pending');
    expect(row).toMatchObject({ status: 'active', statusReason: null });
    await expect(h.lookup(record.fqdn, 'A')).resolves.toMatchObject({ data: ['192.0.2.30'] });
  });

  it('lets a flow of an older version write nothing, neither to the row nor to Route 53', async () => {
    // The api accepted two updates in a row; the flow of the first one runs late.
    const record = h.newRecord({ value: '192.0.2.40' });
    Object.assign(record, { version: 3, value: '192.0.2.42' });
    await h.records.save({ ...record, status: 'pending' });
    const late = { ...record, version: 2, value: '192.0.2.41' };

    const rootId = await h.flows.start('update', late);
    await h.waitForJob(DNS_QUEUES.syncDbStatus, rootId, ['completed', 'failed']);

    expect((await h.jobs(DNS_QUEUES.syncDbStatus).getJob(rootId))?.returnvalue).toEqual({
      outcome: 'superseded',
      reason: null,
    });
    await expect(h.records.findOneBy({ id: record.id })).resolves.toMatchObject({
      version: 3,
      value: '192.0.2.42',
      status: 'pending',
      statusReason: null,
    });
    await expect(h.lookup(record.fqdn, 'A')).resolves.toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('deletes the set Route 53 really holds after an update it refused', async () => {
    const record = h.newRecord({ value: '192.0.2.60' });
    await h.submit('create', record);
    await h.waitForRecord(record.id, (r) => r?.status === 'active');
    Object.assign(record, { value: 'not-an-ip', version: 2 });
    await h.submit('update', record);
    await h.waitForRecord(record.id, (r) => r?.status === 'error');

    // The row holds the refused value, the zone the old one: a DELETE of the row's values fails.
    record.version = 3;
    await h.submit('delete', record);
    await expect(h.waitForRecord(record.id, (r) => r === null)).resolves.toBeNull();
    await expect(h.lookup(record.fqdn, 'A')).resolves.toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('removes the set it wrote when its DB step fails for good after Route 53 accepted the change', async () => {
    const record = h.newRecord({ value: '192.0.2.50' });
    await h.submit('create', record);
    await h.waitForRecord(record.id, (r) => r?.status === 'active');

    // Hold the DB step back until Route 53 has the update, then lose the row underneath it.
    const dbStep = h.worker(DNS_QUEUES.addDbRecord);
    await dbStep.pause();
    Object.assign(record, { value: '192.0.2.51', version: 2 });
    await h.submit('update', record);
    const ids = DNS_FLOW.jobIds({ op: 'update', recordId: record.id, version: 2 });
    await h.waitForJob(DNS_QUEUES.checkDnsStatus, ids[DNS_QUEUES.checkDnsStatus], ['completed']);
    await expect(h.lookup(record.fqdn, 'A')).resolves.toMatchObject({ data: ['192.0.2.51'] });
    await h.records.delete({ id: record.id });
    dbStep.resume();

    await h.waitForJob(DNS_QUEUES.syncDbStatus, ids[DNS_QUEUES.syncDbStatus], ['completed']);
    const addJob = await h.jobs(DNS_QUEUES.addDbRecord).getJob(ids[DNS_QUEUES.addDbRecord]);
    expect(addJob?.failedReason).toMatch(/no longer exists/);
    const answer = await waitFor(
      () => h.lookup(record.fqdn, 'A'),
      (a) => a.rcode === 'NXDOMAIN',
      insyncDelayMs + 5_000,
      `${record.fqdn} to vanish`,
    );
    expect(answer.data).toEqual([]);
  });
});

describe('the DNS record flow with a change deadline', () => {
  let h: FlowHarness;

  beforeAll(async () => {
    h = await FlowHarness.start({ deadlineMs: 200 });
  });

  afterAll(() => h?.close());

  it('marks the record error when Route 53 keeps the change PENDING past the deadline', async () => {
    const record = h.newRecord({ value: '192.0.2.80' });
    await h.submit('create', record);

    const row = await h.waitForRecord(record.id, (r) => r?.status !== 'pending');
    expect(row?.status).toBe('error');
    expect(row?.statusReason).toMatch(/^Route 53 did not apply change \S+ within 0.2 s$/);
  });
});
