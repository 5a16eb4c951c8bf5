import { createServer } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { BoardOptions } from '@bull-board/api/typings/app';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express } from 'express';
import { createRedisClient, redisTargetOf, type RedisClient } from '@starchart/flow-runtime/redis';
import { basicAuth } from './auth/basic-auth.middleware';
import type { BoardConfig } from './config/board-config';
import { healthRoute } from './health/health.route';
import { openBoardQueues } from './queues/board-queues';

/** Where the UI and its API live; `/` redirects here. */
export const BOARD_BASE_PATH = '/queues';

export interface BoardServer {
  /** Listens on the configured host and port (0 picks a free one); resolves with the base URL. */
  listen(): Promise<URL>;
  /** Stops taking requests, lets the ones in flight finish, then closes queues and Redis. */
  close(): Promise<void>;
}

const READ_ONLY_BOARD: BoardOptions['handlerHooks'] = {
  // bull-board answers 405 only for queue-scoped writes and silently skips read-only queues on
  // "pause all"; refusing every non-GET route here makes read-only mean exactly that.
  before: ({ method }) =>
    method === 'get'
      ? undefined
      : { allow: false, status: 403, message: 'the board is read-only (BOARD_READ_ONLY=true)' },
};

function bullBoardRouter(queues: readonly Queue[], readOnly: boolean): Express {
  const serverAdapter = new ExpressAdapter().setBasePath(BOARD_BASE_PATH);
  createBullBoard({
    // Registering every queue of a flow is what lets bull-board walk a job's parents and
    // children across queues and draw the flow tree.
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: readOnly })),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Starchart',
        hideDocsLink: true,
        ...(readOnly ? { environment: { label: 'read-only', color: '#6b7280' } } : {}),
      },
      ...(readOnly ? { handlerHooks: READ_ONLY_BOARD } : {}),
    },
  });
  return serverAdapter.getRouter();
}

/** Logs each distinct Redis error once per outage instead of once per queue per reconnect. */
function reportRedisErrors(redis: RedisClient, queues: readonly Queue[]): void {
  let lastMessage: string | undefined;
  redis.on('ready', () => {
    lastMessage = undefined;
  });
  const report = (error: Error): void => {
    if (error.message === lastMessage) return;
    lastMessage = error.message;
    console.error(JSON.stringify({ event: 'redis-error', message: error.message }));
  };
  for (const queue of queues) queue.on('error', report);
}

export function createBoardServer(config: BoardConfig): BoardServer {
  // One connection for every queue: the board only issues short commands, never blocking ones.
  const redis = createRedisClient(redisTargetOf(config.queue), {
    connectionName: 'starchart-board',
    maxRetriesPerRequest: 20,
    // Closing during an outage, ioredis waits this long for a 'close' that the already failed
    // socket never emits again (default 2 s), holding a stopping board open for nothing.
    disconnectTimeoutMs: 100,
  });
  const queues = openBoardQueues(redis, config.queue.prefix);
  reportRedisErrors(redis, queues);

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', healthRoute(redis));
  app.use(basicAuth(config.credentials));
  app.get('/', (_request, response) => response.redirect(BOARD_BASE_PATH));
  app.use(BOARD_BASE_PATH, bullBoardRouter(queues, config.readOnly));

  const server = createServer(app);

  return {
    listen: () =>
      new Promise<URL>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const address = server.address();
          if (address === null || typeof address === 'string') {
            reject(new Error(`the board must listen on a TCP port, not on ${String(address)}`));
            return;
          }
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(new URL(BOARD_BASE_PATH, `http://${host}:${address.port}`));
        });
      }),
    close: async () => {
      if (server.listening) {
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      }
      await Promise.all(queues.map((queue) => queue.close()));
      // QUIT would wait in ioredis' offline queue for a Redis that is not there.
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
}
