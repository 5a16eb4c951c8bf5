import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Route53UnavailableError } from '../errors';

export interface SharedRateLimiterOptions {
  /** Every process that passes the same prefix draws from the same tokens. */
  keyPrefix: string;
  /** Calls allowed in any rolling second. */
  ratePerSecond: number;
}

/**
 * Requests reach Route 53 a few milliseconds after their token is taken, and that delay varies;
 * holding a slot this much longer than a second keeps two calls on one slot more than a second
 * apart when they arrive, not only when they leave.
 */
const SLOT_MARGIN_MS = 100;

/**
 * Route 53 meters each account with a token bucket of `rate` tokens refilled at `rate` per second.
 * A fixed one-second window of `rate` points lets 2 x rate calls through around a window edge,
 * which that bucket refuses; `rate` slots of one call per second each never exceed `rate` calls in
 * any rolling second, which the bucket always accepts.
 */
export class SharedRateLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly slots: readonly string[];
  /** Callers of one process queue here, so that only the head of the line polls Redis. */
  private line: Promise<void> = Promise.resolve();

  constructor(redis: Redis | Cluster, options: SharedRateLimiterOptions) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.keyPrefix}route53:rate`,
      points: 1,
      duration: 1,
      customIncrTtlLuaScript: holdSlotScript(1_000 + SLOT_MARGIN_MS),
    });
    this.slots = Array.from({ length: options.ratePerSecond }, (_, slot) => String(slot));
  }

  /** Resolves when this process may make one Route 53 API call. */
  acquire(): Promise<void> {
    const turn = this.line.then(() => this.takeSlot());
    // The next caller's turn comes whether this one got a slot or an error, which it sees itself.
    this.line = turn.catch(() => undefined);
    return turn;
  }

  private async takeSlot(): Promise<void> {
    // A random first slot spreads processes over the slots instead of all contending for slot 0.
    const start = Math.floor(Math.random() * this.slots.length);
    const order = [...this.slots.slice(start), ...this.slots.slice(0, start)];
    for (;;) {
      let waitMs = Number.POSITIVE_INFINITY;
      for (const slot of order) {
        try {
          await this.limiter.consume(slot);
          return;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) {
            throw new Route53UnavailableError(
              `The shared Route 53 rate limit is unreachable in Redis: ${String(rejection)}`,
              'RateLimiterUnavailable',
              { cause: rejection },
            );
          }
          waitMs = Math.min(waitMs, rejection.msBeforeNext);
        }
      }
      await sleep(Math.max(1, waitMs));
    }
  }
}

/** Counts a slot as the library does, but expires it in milliseconds; it only knows whole seconds. */
function holdSlotScript(holdMs: number): string {
  return `redis.call('set', KEYS[1], 0, 'PX', ${holdMs}, 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
return {consumed, redis.call('pttl', KEYS[1])}`;
}
