import { EXPIRE_RECORDS_QUEUE, EXPIRY_SCHEDULER_ID, type ExpiryReport } from '@starchart/dns-flow';
import { testStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';
import { queryDns } from '../../test/support/zone';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;

interface RecordBody {
  id: string;
  fqdn: string;
  status: string;
  statusReason: string | null;
  expiresAt: string;
}

describe('record expiry end to end (api, built worker, Route 53 emulator)', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let redis: Redis;
  let expiryQueue: Queue<unknown, ExpiryReport>;
  const alice = uniqueId('alice');
  let token: string;

  beforeAll(async () => {
    api = await startApi();
    // The schedule of every deployment (hourly): its first run finds nothing; the test adds runs.
    worker = await startWorker({ ...api.env, RECORD_EXPIRY_EVERY_MS: '3600000' });
    token = await api.token(alice);
    redis = new Redis(testStack().redis.url, { maxRetriesPerRequest: null });
    expiryQueue = new Queue(EXPIRE_RECORDS_QUEUE, { connection: redis, prefix: api.queuePrefix });
  });

  afterAll(async () => {
    await expiryQueue?.close();
    redis?.disconnect();
    await worker?.stop();
    await api?.close();
  });

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}\nworker:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function createActive(name: string): Promise<RecordBody> {
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name, type: 'A', value: '192.0.2.44', ttl: 60 },
    });
    expect(created.status).toBe(202);
    const { id } = created.json as RecordBody;
    return waitFor(`${name} active`, async () => {
      const answer = await api.request('GET', `/api/v1/records/${id}`, { token });
      const body = answer.json as RecordBody;
      return body.status === 'active' ? body : undefined;
    });
  }

  /** Adds one expiry run, as the job scheduler does, and returns its report. */
  async function runExpiry(): Promise<ExpiryReport> {
    const job = await expiryQueue.add('expireRecords', {});
    return waitFor('the expiry run', async () => {
      const state = await job.getState();
      if (state === 'failed') throw new Error(`expiry run failed: ${job.failedReason}`);
      if (state !== 'completed') return undefined;
      const done = await expiryQueue.getJob(job.id ?? '');
      return done?.returnvalue;
    });
  }

  it('keeps one job scheduler for the expiry run', async () => {
    const scheduler = await expiryQueue.getJobScheduler(EXPIRY_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ every: 3_600_000 });
  });

  it('removes an expired record from the zone and the database, and keeps the renewed one', async () => {
    const before = Date.now();
    const expiring = await createActive(uniqueId('old'));
    const renewed = await createActive(uniqueId('kept'));
    // Every view carries expiresAt: a full lifetime (180 days) from the create.
    for (const record of [expiring, renewed]) {
      const expiresAt = Date.parse(record.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 180 * DAY_MS - 1_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 180 * DAY_MS + 1_000);
    }
    const list = await api.request('GET', '/api/v1/records', { token });
    expect((list.json as { items: RecordBody[] }).items.map((item) => item.expiresAt)).toEqual(
      expect.arrayContaining([expiring.expiresAt, renewed.expiresAt]),
    );

    // Both moved a day into the past, as if 180 days had gone by; one is renewed in time.
    await api.sql(
      'UPDATE dns_records SET expires_at = NOW(3) - INTERVAL 1 DAY WHERE id IN (?, ?)',
      [expiring.id, renewed.id],
    );
    const renewal = await api.request('POST', `/api/v1/records/${renewed.id}/renew`, {
      token,
      body: {},
    });
    expect(renewal.status).toBe(200);
    expect(Date.parse((renewal.json as RecordBody).expiresAt)).toBeGreaterThan(
      Date.now() + 179 * DAY_MS,
    );

    const report = await runExpiry();
    expect(report.removed).toEqual([expiring.id]);

    // While its delete flow runs, a renew is refused with the reason.
    const late = await api.request('POST', `/api/v1/records/${expiring.id}/renew`, {
      token,
      body: {},
    });
    if (late.status !== 404) {
      expect(late.status).toBe(409);
      expect(late.headers.get('content-type')).toContain('application/problem+json');
      expect(late.json).toMatchObject({
        status: 409,
        detail: expect.stringMatching(/^Expired on/),
      });
    }

    await waitFor('the expired record to be gone', async () => {
      const answer = await api.request('GET', `/api/v1/records/${expiring.id}`, { token });
      return answer.status === 404 ? true : undefined;
    });
    expect(await api.dbRecords('id = ?', [expiring.id])).toEqual([]);
    expect(await queryDns(expiring.fqdn, 'A')).toMatchObject({ rcode: 'NXDOMAIN' });

    const kept = await api.request('GET', `/api/v1/records/${renewed.id}`, { token });
    expect(kept.json).toMatchObject({ status: 'active' });
    expect(await queryDns(renewed.fqdn, 'A')).toEqual({ rcode: 'NOERROR', data: ['192.0.2.44'] });

    // A second run over the same window finds nothing more to do.
    expect((await runExpiry()).removed).toEqual([]);
  });

  it("refuses to renew someone else's record (404, as if missing), an admin's included", async () => {
    const id = await api.seedRecord(alice);
    const bob = await api.token(uniqueId('bob'));
    const admin = await api.token(uniqueId('admin'), { admin: true });
    for (const other of [bob, admin]) {
      const answer = await api.request('POST', `/api/v1/records/${id}/renew`, {
        token: other,
        body: {},
      });
      expect(answer.status).toBe(404);
    }
  });

  it('refuses to renew a record that its owner is deleting, with 409 problem+json', async () => {
    const id = await api.seedRecord(alice, { status: 'deleting' });
    const answer = await api.request('POST', `/api/v1/records/${id}/renew`, { token, body: {} });
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ type: expect.stringContaining('record-being-removed') });
  });
});
