import type { RequestHandler } from 'express';
import type { RedisClient } from '@starchart/flow-runtime/redis';

export interface BoardHealth {
  status: 'ok' | 'error';
  redis: { up: boolean };
}

const HEALTH_TIMEOUT_MS = 1_000;

/** Resolves with the outcome of `work`, or with `fallback` once `ms` have passed. */
function within<T>(ms: number, fallback: T, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function readyWithin(redis: RedisClient, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  let onReady: (() => void) | undefined;
  const ready = new Promise<boolean>((resolve) => {
    onReady = () => resolve(true);
    redis.once('ready', onReady);
  });
  return within(ms, false, ready).finally(() => {
    if (onReady) redis.off('ready', onReady);
  });
}

async function redisIsUp(redis: RedisClient): Promise<boolean> {
  // A PING sent while disconnected would wait in ioredis' offline queue, piling up during an
  // outage; only ping a connection that is ready.
  if (!(await readyWithin(redis, HEALTH_TIMEOUT_MS))) return false;
  const pong = redis.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  );
  return within(HEALTH_TIMEOUT_MS, false, pong);
}

/** The board's own health: it is useful exactly when it can read the queues in Redis. */
export function healthRoute(redis: RedisClient): RequestHandler {
  return async (_request, response) => {
    const up = await redisIsUp(redis);
    const body: BoardHealth = { status: up ? 'ok' : 'error', redis: { up } };
    response.status(up ? 200 : 503).json(body);
  };
}
