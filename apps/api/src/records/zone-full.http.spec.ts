import { createPrivateZone, testStack, uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';

jest.setTimeout(60_000);

interface RecordBody {
  id: string;
  status: string;
  statusReason: string | null;
}

// The worker writes to a hosted zone of this file's own that holds 4 record sets: its SOA and
// NS, and two records.
describe('creating a record when the DNS zone is full (HTTP, built worker)', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let token: string;

  beforeAll(async () => {
    const zone = await createPrivateZone(testStack(), { maxRecordSets: 4 });
    api = await startApi({
      env: { ROUTE53_HOSTED_ZONE_ID: zone.id, ROOT_DOMAIN: zone.rootDomain },
    });
    worker = await startWorker(api.env);
    token = await api.token(uniqueId('alice'));
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  const create = (name: string) =>
    api.request('POST', '/api/v1/records', {
      token,
      body: { name, type: 'A', value: '192.0.2.10', ttl: 60 },
    });

  async function settled(id: string): Promise<RecordBody | undefined> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const answer = await api.request('GET', `/api/v1/records/${id}`, { token });
      if (answer.status === 404) return undefined;
      const record = answer.json as RecordBody;
      if (record.status === 'active' || record.status === 'error') return record;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`record ${id} never settled\nworker:\n${worker.output()}`);
  }

  it('ends the create that fills it in error with the reason, then refuses the next with 409 zone-full before any flow', async () => {
    const first = (await create('one')).json as RecordBody;
    const second = (await create('two')).json as RecordBody;
    await expect(settled(first.id)).resolves.toMatchObject({ status: 'active' });
    await expect(settled(second.id)).resolves.toMatchObject({ status: 'active' });

    // The api does not know yet: the flow finds out, once, and ends the record in error.
    const third = await create('three');
    expect(third.status).toBe(202);
    const failed = await settled((third.json as RecordBody).id);
    expect(failed).toMatchObject({
      status: 'error',
      statusReason: expect.stringMatching(/^The DNS zone is full: it holds 4 record sets/),
    });

    // Now the api knows: refused at once, nothing written, no flow started.
    const rowsBefore = await api.sql('SELECT COUNT(*) AS n FROM dns_records');
    const fourth = await create('four');
    expect(fourth.status).toBe(409);
    expect(fourth.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fourth.json).toMatchObject({
      type: 'urn:starchart:problem:zone-full',
      title: 'The DNS zone is full',
      status: 409,
      retryable: false,
      detail: expect.stringContaining('holds 4 record sets, as many as Route 53 allows it (4)'),
    });
    await expect(api.sql('SELECT COUNT(*) AS n FROM dns_records')).resolves.toEqual(rowsBefore);
    await expect(api.sql("SELECT id FROM dns_records WHERE name = 'four'")).resolves.toEqual([]);

    // A deleted record makes room: the next create is accepted and becomes active.
    expect((await api.request('DELETE', `/api/v1/records/${first.id}`, { token })).status).toBe(
      202,
    );
    await expect(settled(first.id)).resolves.toBeUndefined();
    const fifth = await create('five');
    expect(fifth.status).toBe(202);
    await expect(settled((fifth.json as RecordBody).id)).resolves.toMatchObject({
      status: 'active',
    });
  });
});
