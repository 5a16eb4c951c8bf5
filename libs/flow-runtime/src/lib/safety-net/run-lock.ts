import type { RedisClient } from '../redis-connection';

// Deletes or extends the lock only while it is still ours: it may have expired and been taken.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/**
 * A Redis lock that one run holds at a time across every worker process, kept alive while the
 * run works and left to expire if its process dies.
 */
export class RunLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Runs `work` under the lock, or returns undefined at once when another run holds it. */
  async runExclusive<T>(owner: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    const taken = await this.redis.set(this.key, owner, 'PX', this.ttlMs, 'NX');
    if (taken !== 'OK') return undefined;
    const keepAlive = setInterval(() => {
      // A missed extension (Redis restarting) is made up at the next tick, well before expiry.
      this.redis.eval(EXTEND, 1, this.key, owner, this.ttlMs).catch(() => undefined);
    }, this.ttlMs / 3);
    try {
      return { value: await work() };
    } finally {
      clearInterval(keepAlive);
      await this.redis.eval(RELEASE, 1, this.key, owner);
    }
  }
}
