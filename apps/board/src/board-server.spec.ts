import { testStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { hashPassword, parsePasswordHash } from './auth/password-hash';
import { createBoardServer, type BoardServer } from './board-server';
import type { BoardConfig } from './config/board-config';
import { boardQueueNames } from './queues/board-queues';

const FAST = { cost: 1024, blockSize: 8, parallelization: 1 };
const AUTHORIZATION = `Basic ${Buffer.from('operator:pw').toString('base64')}`;

async function boardConfig(overrides: Partial<BoardConfig> = {}): Promise<BoardConfig> {
  return {
    host: '127.0.0.1',
    port: 0,
    credentials: {
      username: 'operator',
      passwordHash: parsePasswordHash(await hashPassword('pw', FAST)),
    },
    readOnly: false,
    queue: { redisUrl: testStack().redis.url, prefix: `{${uniqueId('board')}}` },
    ...overrides,
  };
}

interface RunningBoard {
  board: BoardServer;
  base: URL;
  config: BoardConfig;
}

async function startBoard(overrides: Partial<BoardConfig> = {}): Promise<RunningBoard> {
  const config = await boardConfig(overrides);
  const board = createBoardServer(config);
  return { board, base: await board.listen(), config };
}

function request(base: URL, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, base), {
    redirect: 'manual',
    ...init,
    headers: { authorization: AUTHORIZATION, ...init.headers },
  });
}

async function withQueue<T>(
  config: BoardConfig,
  name: string,
  use: (queue: Queue) => Promise<T>,
): Promise<T> {
  const connection = new Redis(config.queue.redisUrl);
  const queue = new Queue(name, { connection, prefix: config.queue.prefix });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

async function obliterateQueues(config: BoardConfig): Promise<void> {
  for (const name of boardQueueNames()) {
    await withQueue(config, name, (queue) => queue.obliterate({ force: true }));
  }
}

describe('board server', () => {
  it('reports 503 on /health and logs the outage once when Redis cannot be reached', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const running = await startBoard({
      queue: { redisUrl: 'redis://127.0.0.1:1', prefix: `{${uniqueId('board')}}` },
    });
    try {
      const response = await fetch(new URL('/health', running.base));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'error', redis: { up: false } });
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged.mock.calls[0]?.[0]).toContain('ECONNREFUSED');
    } finally {
      await running.board.close();
      logged.mockRestore();
    }
  });

  describe('with a writable board', () => {
    let running: RunningBoard;

    beforeAll(async () => {
      running = await startBoard();
    });

    afterAll(async () => {
      await running.board.close();
      await obliterateQueues(running.config);
    });

    it('answers /health without credentials while Redis is up', async () => {
      const response = await fetch(new URL('/health', running.base));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', redis: { up: true } });
    });

    it('redirects / to the board', async () => {
      const response = await request(running.base, '/');
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/queues');
    });

    it('challenges the UI and its API without credentials', async () => {
      for (const path of ['/', '/queues', '/queues/api/queues']) {
        const response = await fetch(new URL(path, running.base), { redirect: 'manual' });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Basic realm="Starchart board"');
      }
    });

    it('serves the UI with its static files', async () => {
      const page = await request(running.base, '/queues');
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<base href="/queues/" />');
      const script = /src="(static\/js\/main[^"]*\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await request(running.base, `/queues/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
    });

    it('lists every queue of the flow registries under the configured prefix', async () => {
      const response = await request(running.base, '/queues/api/queues');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { queues: Array<{ name: string }> };
      expect(body.queues.map((queue) => queue.name).sort()).toEqual([...boardQueueNames()].sort());
    });

    it('lets an operator pause a queue', async () => {
      const response = await request(running.base, '/queues/api/queues/add-db-record/pause', {
        method: 'PUT',
      });
      expect(response.status).toBe(200);
      await expect(
        withQueue(running.config, 'add-db-record', (queue) => queue.isPaused()),
      ).resolves.toBe(true);
    });
  });

  describe('with BOARD_READ_ONLY=true', () => {
    let running: RunningBoard;

    beforeAll(async () => {
      running = await startBoard({ readOnly: true });
    });

    afterAll(async () => {
      await running.board.close();
      await obliterateQueues(running.config);
    });

    it('still shows the queues, marked read-only for the UI', async () => {
      const response = await request(running.base, '/queues/api/queues');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { queues: Array<{ readOnlyMode: boolean }> };
      expect(body.queues).toHaveLength(boardQueueNames().length);
      expect(body.queues.every((queue) => queue.readOnlyMode)).toBe(true);
    });

    it.each([
      ['PUT', '/queues/api/queues/add-db-record/pause'],
      ['PUT', '/queues/api/queues/pause'],
      ['PUT', '/queues/api/queues/sync-db-status/clean/completed'],
      ['PUT', '/queues/api/queues/sync-db-status/retry/failed'],
      ['POST', '/queues/api/queues/add-db-record/add'],
    ])('refuses %s %s with 403', async (method, path) => {
      const response = await request(running.base, path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', data: {} }),
      });
      expect(response.status).toBe(403);
    });

    it('leaves the queues untouched when a mutation is refused', async () => {
      await request(running.base, '/queues/api/queues/pause', { method: 'PUT' });
      await request(running.base, '/queues/api/queues/add-db-record/add', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', data: {} }),
      });
      await withQueue(running.config, 'add-db-record', async (queue) => {
        await expect(queue.isPaused()).resolves.toBe(false);
        await expect(queue.count()).resolves.toBe(0);
      });
    });
  });
});
