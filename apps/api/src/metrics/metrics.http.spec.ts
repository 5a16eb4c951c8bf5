import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { sample, scrape } from '../../test/support/prometheus-text';
import { ApiMetrics } from './api-metrics';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';

jest.setTimeout(60_000);

const DNS_STEPS = ['add-db-record', 'create-dns-record', 'check-dns-status', 'sync-db-status'];

describe('/metrics on the api and the worker after record flows', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let workerMetrics: string;
  const alice = uniqueId('alice');
  let token: string;

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker({ ...api.env, METRICS_PORT: '0' });
    if (!worker.metricsUrl)
      throw new Error(`the worker announced no metrics URL:\n${worker.output()}`);
    workerMetrics = worker.metricsUrl;
    token = await api.token(alice);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  async function waitForActive(ids: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (const id of ids) {
      for (;;) {
        const answer = await api.request('GET', `/api/v1/records/${id}`, { token });
        if ((answer.json as { status?: string }).status === 'active') break;
        if (Date.now() > deadline)
          throw new Error(`${id} never became active:\n${worker.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it('counts each step, flow, Route 53 change and request of three creates exactly once', async () => {
    const workerBefore = await scrape(workerMetrics);
    const apiBefore = await scrape(`${api.baseUrl}/metrics`);

    const ids: string[] = [];
    for (const name of ['m1', 'm2', 'm3']) {
      const created = await api.request('POST', '/api/v1/records', {
        token,
        body: { name, type: 'A', value: '192.0.2.30' },
      });
      expect(created.status).toBe(202);
      ids.push((created.json as { id: string }).id);
    }
    await api.request('GET', '/api/v1/records/00000000-0000-4000-8000-000000000000', { token });
    await api.request('GET', '/no/such/path');
    await waitForActive(ids);
    // The root's completed event fires right after the row turned active.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const workerAfter = await scrape(workerMetrics);
    const apiAfter = await scrape(`${api.baseUrl}/metrics`);
    const moved = (text: [string, string], name: string, labels: Record<string, string>) =>
      sample(text[1], name, labels) - sample(text[0], name, labels);
    const w: [string, string] = [workerBefore, workerAfter];
    const a: [string, string] = [apiBefore, apiAfter];

    for (const queue of DNS_STEPS) {
      expect([
        queue,
        moved(w, 'starchart_job_attempts_total', { queue, outcome: 'completed' }),
      ]).toEqual([queue, 3]);
      expect(moved(w, 'starchart_job_attempts_total', { queue, outcome: 'failed' })).toBe(0);
      expect(
        moved(w, 'starchart_job_attempt_duration_seconds_count', { queue, outcome: 'completed' }),
      ).toBe(3);
    }
    expect(moved(w, 'starchart_record_flows_total', { op: 'create', outcome: 'active' })).toBe(3);
    expect(moved(w, 'starchart_record_activation_seconds_count', { op: 'create' })).toBe(3);
    expect(
      sample(workerAfter, 'starchart_record_activation_seconds_sum', { op: 'create' }),
    ).toBeGreaterThan(0);
    // Three changes, however the batcher packed them, and every call answered.
    expect(moved(w, 'starchart_route53_batch_size_sum', {})).toBe(3);
    const changeCalls = moved(w, 'starchart_route53_calls_total', {
      operation: 'ChangeResourceRecordSets',
      outcome: 'ok',
    });
    expect(changeCalls).toBeGreaterThanOrEqual(1);
    expect(changeCalls).toBeLessThanOrEqual(3);
    expect(moved(w, 'starchart_route53_batch_size_count', {})).toBe(changeCalls);
    expect(moved(w, 'starchart_route53_rate_limit_wait_seconds_count', {})).toBeGreaterThanOrEqual(
      changeCalls,
    );
    expect(
      moved(w, 'starchart_route53_calls_total', {
        operation: 'ChangeResourceRecordSets',
        outcome: 'error',
      }),
    ).toBe(0);
    // Read from Redis at scrape time: every queue and state is there, the flows have drained.
    for (const queue of DNS_STEPS) {
      expect(workerAfter).toContain(`starchart_queue_jobs{queue="${queue}",state="waiting"} 0`);
      expect(workerAfter).toContain(`starchart_queue_jobs{queue="${queue}",state="active"} 0`);
    }
    expect(workerAfter).toMatch(/^starchart_reconciler_repairs_total\{kind="upserted"\} 0$/m);

    // By route template, never the raw path, and one series for whatever matched no route.
    expect(
      moved(a, 'starchart_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/v1/records',
        status: '202',
      }),
    ).toBe(3);
    expect(
      moved(a, 'starchart_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/records/:id',
        status: '404',
      }),
    ).toBe(1);
    expect(
      moved(a, 'starchart_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(apiAfter).not.toContain('00000000-0000-4000-8000-000000000000');
  });

  it('reads the earliest certificate expiry, the failing renewals, the refused revocations and the issuance queue from the database when scraped', async () => {
    const insert = (username: string, status: string, validTo: string | null) =>
      api.sql(
        'INSERT INTO certificates (id, username, domains, status, version, valid_to) VALUES (UUID(), ?, ?, ?, 1, ?)',
        [username, '[]', status, validTo],
      );
    await insert(uniqueId('c1'), 'issued', '2031-05-06 07:08:09.000');
    await insert(uniqueId('c2'), 'failed', '2030-01-02 03:04:05.000');
    await insert(uniqueId('c3'), 'failed', null);
    await insert(uniqueId('c4'), 'revocation-failed', '2032-01-01 00:00:00.000');
    await insert(uniqueId('c5'), 'deleting', '2032-01-01 00:00:00.000');
    for (const [name, queuedAt] of [
      ['c6', '2026-09-01 08:00:00.000'],
      ['c7', '2026-09-01 08:05:00.000'],
    ])
      await api.sql(
        "INSERT INTO certificates (id, username, domains, status, version, queued_at) VALUES (UUID(), ?, '[]', 'queued', 0, ?)",
        [uniqueId(name ?? ''), queuedAt],
      );
    const text = await scrape(workerMetrics);
    expect(sample(text, 'starchart_certificate_earliest_expiry_timestamp_seconds')).toBe(
      Date.parse('2030-01-02T03:04:05Z') / 1000,
    );
    expect(sample(text, 'starchart_certificate_renewals_failing')).toBe(1);
    expect(sample(text, 'starchart_certificate_revocations_failed')).toBe(1);
    expect(sample(text, 'starchart_certificates_queued')).toBe(2);
    expect(sample(text, 'starchart_certificate_queue_oldest_timestamp_seconds')).toBe(
      Date.parse('2026-09-01T08:00:00Z') / 1000,
    );
  });

  it('reads how many records wait for their flow, and the oldest write to one, from the database when scraped', async () => {
    const owner = uniqueId('stuck');
    const writtenAt = async (status: 'pending' | 'deleting' | 'active', at: string) => {
      const id = await api.seedRecord(owner, { status });
      await api.sql('UPDATE dns_records SET updated_at = ? WHERE id = ?', [at, id]);
    };
    await writtenAt('pending', '2026-09-01 08:00:00.000');
    await writtenAt('deleting', '2026-09-01 07:30:00.000');
    await writtenAt('pending', '2026-09-02 10:00:00.000');
    // Settled records count for nothing, however old.
    await writtenAt('active', '2020-01-01 00:00:00.000');

    const text = await scrape(workerMetrics);
    expect(sample(text, 'starchart_records_unsettled')).toBe(3);
    expect(sample(text, 'starchart_record_oldest_unsettled_update_timestamp_seconds')).toBe(
      Date.parse('2026-09-01T07:30:00Z') / 1000,
    );

    await api.sql("UPDATE dns_records SET status = 'active' WHERE username = ?", [owner]);
    const settled = await scrape(workerMetrics);
    expect(sample(settled, 'starchart_records_unsettled')).toBe(0);
    expect(sample(settled, 'starchart_record_oldest_unsettled_update_timestamp_seconds')).toBe(0);
  });

  it('answers the worker health check beside its metrics', async () => {
    const health = await fetch(new URL('/health', workerMetrics));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', workers: 6, queues: 6 });
    expect((await fetch(new URL('/other', workerMetrics))).status).toBe(404);
  });
});

describe('/metrics kept private', () => {
  it('moves off the api port onto its own listener when METRICS_PORT is set', async () => {
    const api = await startApi({ env: { METRICS_PORT: '0', METRICS_PATH: '/internal/metrics' } });
    try {
      expect((await api.request('GET', '/internal/metrics')).status).toBe(404);
      expect((await api.request('GET', '/metrics')).status).toBe(404);
      const privateUrl = api.app.get(ApiMetrics).metricsUrl;
      expect(privateUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/internal\/metrics$/);
      expect(await scrape(privateUrl ?? '')).toContain('starchart_http_request_duration_seconds');
      expect((await fetch(new URL('/health', privateUrl))).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('serves nothing and measures nothing with METRICS=off', async () => {
    const api = await startApi({ env: { METRICS: 'off' } });
    try {
      expect((await api.request('GET', '/metrics')).status).toBe(404);
    } finally {
      await api.close();
    }
  });
});
