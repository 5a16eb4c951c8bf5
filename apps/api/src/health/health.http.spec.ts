import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';

describe('GET /health', () => {
  describe('with Redis and the database up', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApi();
    });
    afterAll(async () => {
      await api?.close();
    });

    it('answers 200 without a token and reports no workers when none runs', async () => {
      const answer = await api.request('GET', '/health');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        status: 'ok',
        redis: { up: true },
        database: { up: true },
        workers: 0,
      });
    });
  });

  describe('when Redis is down', () => {
    let api: ApiHarness;
    let redis: ChildProcess | undefined;
    let redisDir: string;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      redisDir = await mkdtemp(join(tmpdir(), 'starchart-api-redis-'));
      api = await startApi({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    });

    afterAll(async () => {
      await api?.close();
      if (redis?.pid !== undefined) {
        redis.kill('SIGTERM');
        await new Promise((resolve) => redis?.once('exit', resolve));
      }
      await rm(redisDir, { recursive: true, force: true });
    });

    it('still starts, answers 503 naming Redis, and does so within the probe timeout', async () => {
      const started = Date.now();
      const answer = await api.request('GET', '/health');
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({
        status: 'error',
        redis: { up: false, error: expect.any(String) },
        database: { up: true },
        workers: null,
      });
    });

    it('refuses a create with 503 and writes nothing', async () => {
      const username = uniqueId('gina');
      const answer = await api.request('POST', '/api/v1/records', {
        token: await api.token(username),
        body: { name: 'www', type: 'A', value: '192.0.2.1' },
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.json).toMatchObject({
        type: 'urn:starchart:problem:service-unavailable',
        retryable: true,
        detail: expect.stringContaining('nothing was changed'),
      });
      expect(await api.dbRecords('username = ?', [username])).toEqual([]);
    });

    it('recovers by itself once Redis is back', async () => {
      redis = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', redisDir],
        {
          stdio: 'ignore',
        },
      );
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await api.request('GET', '/health')).status;
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);

      const username = uniqueId('gina');
      const answer = await api.request('POST', '/api/v1/records', {
        token: await api.token(username),
        body: { name: 'www', type: 'A', value: '192.0.2.1' },
      });
      expect(answer.status).toBe(202);
      expect(await api.dbRecords('username = ?', [username])).toHaveLength(1);
    });
  });
});
