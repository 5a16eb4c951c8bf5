import type { RedisClient } from '@starchart/flow-runtime';
import {
  BUDGET_NAMES,
  budgetsCharged,
  type BudgetName,
  type IssuanceBudgets,
  type LedgerSnapshot,
  type OrderKind,
} from './issuance-budget';

/**
 * One admission, atomically, for every budget the order is charged to (KEYS: one sorted set per
 * budget, member = admission token, score = admission time). ARGV: now, token, then per key its
 * limit and window. Drops admissions that left their window; an order whose token is already
 * there (a retry after a crash between this script and the order's start) is admitted again
 * without a second charge; otherwise it is admitted and charged only if every budget has room,
 * else the answer is when the first slot of the fullest budget frees.
 * Returns {1, 1} admitted and charged, {1, 0} admitted before, {0, retryAt}.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local token = ARGV[2]
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - tonumber(ARGV[2 + 2 * i]))
end
for i = 1, #KEYS do
  if redis.call('ZSCORE', KEYS[i], token) then return {1, 0} end
end
local retryAt = 0
for i = 1, #KEYS do
  local limit = tonumber(ARGV[1 + 2 * i])
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local blocking = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local at = tonumber(blocking[2]) + tonumber(ARGV[2 + 2 * i])
    if at > retryAt then retryAt = at end
  end
end
if retryAt > 0 then return {0, retryAt} end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, token)
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 + 2 * i]))
end
return {1, 1}
`;

export type Admission =
  | {
      admitted: true;
      /** false: the token was admitted before, not charged again. */ charged: boolean;
    }
  | { admitted: false; /** When the fullest budget frees its first slot (ms). */ retryAt: number };

/**
 * The budgets' ledger in Redis, under the queues' hash-tag prefix (`{starchart}:issuance-budget:*`)
 * so that the script's keys share one slot on a Redis Cluster. Times come from the caller's
 * clock (the bench runs a simulated one); processes whose clocks differ by seconds shift a
 * week's window by as much.
 */
export class IssuanceLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly budgets: IssuanceBudgets,
  ) {}

  keyOf(budget: BudgetName): string {
    return `${this.prefix}:issuance-budget:${budget}`;
  }

  /** Admits the order `token` (its flow id) of this kind at `now`, or says when to try again. */
  async admit(kind: OrderKind, token: string, now: number): Promise<Admission> {
    const charged = budgetsCharged(kind);
    if (charged.length === 0) return { admitted: true, charged: false };
    const args = charged.flatMap((name) => [this.budgets[name].limit, this.budgets[name].windowMs]);
    const [admitted, value] = (await this.redis.eval(
      ADMIT,
      charged.length,
      ...charged.map((name) => this.keyOf(name)),
      now,
      token,
      ...args,
    )) as [number, number];
    return admitted === 1
      ? { admitted: true, charged: value === 1 }
      : { admitted: false, retryAt: value };
  }

  /** The admissions inside each window at `now`, oldest first: what estimates are made from. */
  async read(now: number): Promise<LedgerSnapshot> {
    const entries = await Promise.all(
      BUDGET_NAMES.map(async (name): Promise<[BudgetName, number[]]> => {
        const from = now - this.budgets[name].windowMs;
        const flat = await this.redis.zrangebyscore(
          this.keyOf(name),
          `(${from}`,
          '+inf',
          'WITHSCORES',
        );
        return [name, flat.filter((_, index) => index % 2 === 1).map(Number)];
      }),
    );
    return Object.fromEntries(entries) as Record<BudgetName, number[]>;
  }
}
