import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import { Route53Error, Route53UnavailableError } from '../errors';
import type { ChangeStatus } from '../record-set';

export interface ChangeStatusCacheOptions {
  /** Every process that passes the same prefix shares the same answers. */
  keyPrefix: string;
  /**
   * How long a fresh PENDING answer stands in for asking Route 53 again; for a change pending
   * longer it grows to a quarter of the time it has been pending, up to maxPendingTtlMs.
   */
  pendingTtlMs?: number;
  maxPendingTtlMs?: number;
  /** How often a process that waits for another one's answer looks for it. */
  waitIntervalMs?: number;
}

/** INSYNC never changes back, so it is kept much longer than PENDING. */
const INSYNC_TTL_MS = 10 * 60_000;
/** Covers a GetChange that waits its turn at the rate limit and is retried a few times. */
const LOCK_TTL_MS = 10_000;

/** Deletes the lock only while it is still ours: it may have expired and gone to another process. */
const RELEASE_LOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

/**
 * GetChange answers shared by every caller of every process: concurrent callers in one process
 * share one request, and a short Redis lock lets one process ask Route 53 while the others wait
 * for the answer it caches, so a thousand records waiting on one batch cost one GetChange.
 */
export class ChangeStatusCache {
  private readonly inFlight = new Map<string, Promise<ChangeStatus>>();
  private readonly pendingTtlMs: number;
  private readonly maxPendingTtlMs: number;
  private readonly waitIntervalMs: number;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly fetch: (changeId: string) => Promise<ChangeStatus>,
    private readonly options: ChangeStatusCacheOptions,
  ) {
    this.pendingTtlMs = options.pendingTtlMs ?? 500;
    this.maxPendingTtlMs = Math.max(this.pendingTtlMs, options.maxPendingTtlMs ?? 5_000);
    this.waitIntervalMs = options.waitIntervalMs ?? 50;
  }

  get(changeId: string): Promise<ChangeStatus> {
    const shared = this.inFlight.get(changeId);
    if (shared) return shared;
    const read = this.read(changeId).finally(() => this.inFlight.delete(changeId));
    this.inFlight.set(changeId, read);
    return read;
  }

  /**
   * Records an INSYNC that Route 53 stated elsewhere (in the answer to the change itself). Best
   * effort: if Redis does not take it, callers ask Route 53 as usual.
   */
  async remember(changeId: string, status: 'INSYNC'): Promise<void> {
    try {
      await this.redis.set(this.cacheKeyOf(changeId), status, 'PX', INSYNC_TTL_MS);
    } catch {
      // Nothing lost: the status is asked for when it is needed.
    }
  }

  private cacheKeyOf(changeId: string): string {
    return `${this.options.keyPrefix}route53:change:${changeId}`;
  }

  private async read(changeId: string): Promise<ChangeStatus> {
    const cacheKey = this.cacheKeyOf(changeId);
    const lockKey = `${cacheKey}:lock`;
    const token = randomUUID();
    try {
      for (;;) {
        const cached = await this.redis.get(cacheKey);
        if (cached === 'PENDING' || cached === 'INSYNC') return cached;
        if ((await this.redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') {
          try {
            const status = await this.fetch(changeId);
            const ttlMs = status === 'INSYNC' ? INSYNC_TTL_MS : await this.pendingTtlFor(cacheKey);
            await this.redis.set(cacheKey, status, 'PX', ttlMs);
            return status;
          } finally {
            await this.redis.eval(RELEASE_LOCK_SCRIPT, 1, lockKey, token);
          }
        }
        await sleep(this.waitIntervalMs);
      }
    } catch (error) {
      if (error instanceof Route53Error) throw error;
      throw new Route53UnavailableError(
        `The shared change status cache is unreachable in Redis: ${String(error)}`,
        'StatusCacheUnavailable',
        { cause: error },
      );
    }
  }

  /**
   * A change that stays PENDING for long (Route 53 can take a minute) is asked about less and
   * less often, so the GetChange calls of one change stay few however many records wait on it.
   */
  private async pendingTtlFor(cacheKey: string): Promise<number> {
    const sinceKey = `${cacheKey}:pending-since`;
    const now = Date.now();
    await this.redis.set(sinceKey, String(now), 'PX', INSYNC_TTL_MS, 'NX');
    const pendingForMs = now - Number((await this.redis.get(sinceKey)) ?? now);
    return Math.min(
      this.maxPendingTtlMs,
      Math.max(this.pendingTtlMs, Math.round(pendingForMs / 4)),
    );
  }
}
