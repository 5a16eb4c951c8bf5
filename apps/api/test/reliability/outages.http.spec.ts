import type { NestExpressApplication } from '@nestjs/platform-express';
import { type PrivateStack, startPrivateStack, uniqueId } from '@starchart/testing';
import { DnsFlowService } from '@starchart/dns-flow';
import { createApiApp } from '../../src/app';
import { JsonLogger } from '@starchart/logging';
import { type ApiHarness, type HttpAnswer, startApi } from '../support/api-harness';

const RECORD = { name: 'www', type: 'A', value: '192.0.2.44' };

jest.setTimeout(60_000);

/**
 * Redis and MariaDB are stopped and started again for real, so these tests run on a stack of
 * their own. Redis down from the very start is in src/health/health.http.spec.ts.
 */
describe('outages: answered cleanly, nothing half-written, recovered without a restart', () => {
  let stack: PrivateStack;
  let api: ApiHarness;

  beforeAll(async () => {
    stack = await startPrivateStack();
    api = await startApi({ stack: stack.state });
    await api.queuesReady();
  });

  afterAll(async () => {
    await api?.close();
    await stack?.down();
  });

  async function createAs(
    username: string,
    baseUrl = api.baseUrl,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const response = await fetch(`${baseUrl}/api/v1/records`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await api.token(username)}`,
        'Content-Type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(RECORD),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
  }

  it('refuses a create with 503 while Redis is down, writes no row, and recovers when Redis returns', async () => {
    const keyed = uniqueId('redisdownkey');
    const key = uniqueId('key-');
    await stack.stop('redis');
    try {
      const username = uniqueId('redisdown');
      const answer = await createAs(username);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.json).toMatchObject({
        type: 'urn:starchart:problem:service-unavailable',
        retryable: true,
        detail: expect.stringContaining('nothing was changed'),
      });
      expect(await api.dbRecords('username = ?', [username])).toEqual([]);
      // With an Idempotency-Key the stored answer is taken back too: a retry is not a replay.
      expect((await createAs(keyed, api.baseUrl, { 'Idempotency-Key': key })).status).toBe(503);
      expect(await api.dbRecords('username = ?', [keyed])).toEqual([]);
      expect(await api.sql('SELECT * FROM idempotency_keys WHERE username = ?', [keyed])).toEqual(
        [],
      );
      expect((await api.request('GET', '/health')).json).toMatchObject({
        status: 'error',
        redis: { up: false },
        database: { up: true },
      });
    } finally {
      await stack.start('redis');
    }
    const username = uniqueId('redisback');
    expect((await until(() => createAs(username), 202)).status).toBe(202);
    expect(await api.dbRecords('username = ?', [username])).toHaveLength(1);
    const retry = await createAs(keyed, api.baseUrl, { 'Idempotency-Key': key });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await api.dbRecords('username = ?', [keyed])).toHaveLength(1);
  });

  it('never takes back a create whose stored answer a retry was given, even when Redis then refuses its flow', async () => {
    // The first request is held after its row and stored answer are committed, before Redis is
    // asked; its client gives up, and the retry (same key) is answered 202 from the stored
    // answer. Then Redis goes away and the first request's flow is refused: its undo must keep
    // the row the retry's 202 promised.
    const username = uniqueId('replayed');
    const key = uniqueId('key-');
    const flows = api.app.get(DnsFlowService);
    const ensureConnected = flows.ensureConnected.bind(flows);
    let arrived!: () => void;
    const held = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(flows, 'ensureConnected').mockImplementationOnce(async () => {
      arrived();
      await gate;
      return ensureConnected();
    });
    let redisStopped = false;
    try {
      const first = createAs(username, api.baseUrl, { 'Idempotency-Key': key });
      await held;
      const retry = await createAs(username, api.baseUrl, { 'Idempotency-Key': key });
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      await stack.stop('redis');
      redisStopped = true;
      release();
      expect((await first).status).toBe(503);
      const rows = await api.dbRecords('username = ?', [username]);
      expect(rows.map((row) => row.id)).toEqual([(retry.json as { id: string }).id]);
      expect(
        await api.sql(
          'SELECT replayed_at IS NOT NULL AS replayed FROM idempotency_keys WHERE username = ?',
          [username],
        ),
      ).toEqual([{ replayed: 1 }]);
    } finally {
      spy.mockRestore();
      release();
      if (redisStopped) await stack.start('redis');
    }
  });

  it('refuses a create with 503 while the database is down, queues no job, and recovers when it returns', async () => {
    const keysBefore = (await api.queueKeys()).sort();
    await stack.stop('mariadb');
    try {
      const answer = await createAs(uniqueId('dbdown'));
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.json).toMatchObject({
        type: 'urn:starchart:problem:service-unavailable',
        retryable: true,
        detail: expect.stringContaining('database'),
      });
      expect((await api.queueKeys()).sort()).toEqual(keysBefore);
      expect((await api.request('GET', '/health')).json).toMatchObject({
        status: 'error',
        database: { up: false },
        redis: { up: true },
      });
    } finally {
      await stack.start('mariadb');
    }
    const username = uniqueId('dbback');
    expect((await until(() => createAs(username), 202)).status).toBe(202);
    expect(await api.dbRecords('username = ?', [username])).toHaveLength(1);
  });

  it('starts while the database is down, says so in /health, and serves once it is back', async () => {
    await stack.stop('mariadb');
    let databaseDown = true;
    let app: NestExpressApplication | undefined;
    try {
      app = await createApiApp(
        api.config,
        new JsonLogger({ level: 'error', write: () => undefined }),
      );
      await app.listen(0, '127.0.0.1');
      const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

      const health = await fetch(`${baseUrl}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ database: { up: false }, redis: { up: true } });
      const keysBefore = (await api.queueKeys()).sort();
      const refused = await createAs(uniqueId('early'), baseUrl);
      expect(refused.status).toBe(503);
      expect(refused.json).toMatchObject({ detail: expect.stringContaining('database') });
      expect((await api.queueKeys()).sort()).toEqual(keysBefore);

      await stack.start('mariadb');
      databaseDown = false;
      const ready = await until(async () => {
        const response = await fetch(`${baseUrl}/health`);
        return { status: response.status, headers: response.headers, text: '', json: undefined };
      }, 200);
      expect(ready.status).toBe(200);
      const username = uniqueId('late');
      expect((await createAs(username, baseUrl)).status).toBe(202);
      expect(await api.dbRecords('username = ?', [username])).toHaveLength(1);
    } finally {
      if (databaseDown) await stack.start('mariadb');
      await app?.close();
    }
  });
});

/** Retries `attempt` until it answers `status` (the api heals itself; nothing is restarted). */
async function until(
  attempt: () => Promise<HttpAnswer>,
  status: number,
  timeoutMs = 20_000,
): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await attempt();
    if (answer.status === status || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
