import type { RedisClient } from '@starchart/flow-runtime';

/** How long new orders pause after a rateLimited answer that named no Retry-After. */
export interface CaPauseBackoff {
  /** The first pause; each rateLimited answer after a pause ended doubles it. */
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_CA_PAUSE_BACKOFF: CaPauseBackoff = { firstMs: 60_000, maxMs: 3_600_000 };

/** The Redis hash, under the queues' hash tag so that it lives in their Redis Cluster slot. */
export function caPauseKey(prefix: string): string {
  return `${prefix}:acme-pause`;
}

// One key, one slot: atomic on a Redis Cluster too. `until` only grows, whoever writes; `streak`
// counts rateLimited answers whose pause had ended before them: an answer without Retry-After to
// a request sent before the pause began neither doubles nor extends it. The streak is forgotten
// after a quiet spell as long as the cap.
// KEYS[1] the hash; ARGV: now, wanted until (-1: back off), first, max, counts (1: an answer).
const PAUSE_SCRIPT = `
local now = tonumber(ARGV[1])
local wanted = tonumber(ARGV[2])
local first = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local streak = tonumber(redis.call('HGET', KEYS[1], 'streak') or '0')
if ARGV[5] == '1' and current <= now then streak = streak + 1 end
if wanted < 0 and current <= now then
  wanted = now + math.min(first * 2 ^ math.max(streak - 1, 0), max)
end
if wanted > current then current = wanted end
redis.call('HSET', KEYS[1], 'until', string.format('%.0f', current), 'streak', streak)
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.max(current - now, 0) + max))
return current
`;

/**
 * "The CA asked to pause new orders until T", shared by every worker through Redis. A CA answer
 * `urn:ietf:params:acme:error:rateLimited` sets it to the time its Retry-After names, or to a
 * backoff when it names none (1 min doubling to 1 h by default). A pause is only ever extended:
 * of two writers racing, the later time wins. The certificate flow's create-acme-order step waits
 * while it holds, and anything else that starts new orders (an admission queue) should too.
 */
export class CaPause {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly backoff: CaPauseBackoff = DEFAULT_CA_PAUSE_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {
    this.key = caPauseKey(prefix);
  }

  /** Until when new orders wait; null when they may go to the CA now. */
  async pausedUntil(): Promise<Date | null> {
    const until = Number(await this.redis.hget(this.key, 'until'));
    return Number.isFinite(until) && until > this.now() ? new Date(until) : null;
  }

  /** Pauses new orders until `until` at least; a later pause already set stays. The pause in effect. */
  pauseUntil(until: Date): Promise<Date> {
    return this.write(until.getTime(), false);
  }

  /**
   * The CA answered rateLimited: pause until its Retry-After, else for the backoff (doubled for
   * each answer in a row). The pause in effect.
   */
  rateLimited(retryAfterMs: number | undefined): Promise<Date> {
    return this.write(retryAfterMs === undefined ? -1 : this.now() + retryAfterMs, true);
  }

  private async write(wanted: number, answer: boolean): Promise<Date> {
    const until = await this.redis.eval(
      PAUSE_SCRIPT,
      1,
      this.key,
      String(this.now()),
      String(wanted),
      String(this.backoff.firstMs),
      String(this.backoff.maxMs),
      answer ? '1' : '0',
    );
    return new Date(Number(until));
  }
}
