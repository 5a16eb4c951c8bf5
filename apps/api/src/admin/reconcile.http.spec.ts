import { createPrivateZone, testStack, uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';

jest.setTimeout(60_000);

// The worker reconciles its hosted zone against this test's database: a zone of its own.
describe('POST and GET /api/v1/admin/reconcile', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let adminToken: string;

  beforeAll(async () => {
    const zone = await createPrivateZone(testStack());
    api = await startApi({
      env: { ROUTE53_HOSTED_ZONE_ID: zone.id, ROOT_DOMAIN: zone.rootDomain },
    });
    worker = await startWorker(api.env);
    adminToken = await api.token(uniqueId('admin'), { admin: true });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('refuses a user who is not an admin with 403, and no token with 401', async () => {
    const token = await api.token(uniqueId('bob'));
    const started = await api.request('POST', '/api/v1/admin/reconcile', { token, body: {} });
    expect(started.status).toBe(403);
    expect(started.json).toMatchObject({ type: expect.stringContaining('forbidden') });
    const read = await api.request('GET', '/api/v1/admin/reconcile/reconcile-x', { token });
    expect(read.status).toBe(403);
    expect((await api.request('POST', '/api/v1/admin/reconcile', { body: {} })).status).toBe(401);
  });

  it('answers 202 with a job id, whose run reports its counters once complete', async () => {
    await api.seedRecord(uniqueId('carol'), { name: 'www', value: '192.0.2.7' });
    const started = await api.request('POST', '/api/v1/admin/reconcile', {
      token: adminToken,
      body: {},
    });
    expect(started.status).toBe(202);
    const { jobId } = started.json as { jobId: string };
    expect(jobId).toMatch(/^reconcile-/);

    let run: unknown;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const read = await api.request('GET', `/api/v1/admin/reconcile/${jobId}`, {
        token: adminToken,
      });
      expect(read.status).toBe(200);
      run = read.json;
      if ((run as { state: string }).state === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(run).toMatchObject({
      jobId,
      trigger: 'admin',
      state: 'completed',
      failedReason: null,
      // The seeded active record was missing from Route 53.
      report: { upserted: 1, deleted: 0, requeued: 0, skippedInFlight: 0, failed: 0 },
      finishedAt: expect.any(String),
    });
    // The same run is the last one, and the request is in the audit log once.
    const latest = await api.request('GET', '/api/v1/admin/reconcile/latest', {
      token: adminToken,
    });
    expect(latest.json).toEqual(run);
    expect(
      await api.sql(
        "SELECT actor, outcome, detail FROM admin_audit_log WHERE action = 'reconcile.run'",
      ),
    ).toEqual([expect.objectContaining({ outcome: 'succeeded', detail: jobId })]);
  });

  it('answers 404 for a job id it does not know', async () => {
    const read = await api.request('GET', '/api/v1/admin/reconcile/reconcile-unknown', {
      token: adminToken,
    });
    expect(read.status).toBe(404);
    expect(read.json).toMatchObject({ type: expect.stringContaining('reconcile-run-not-found') });
  });
});
