/**
 * The issuance budget: rolling windows of admissions that every worker and api process shares
 * (Redis), kept under the CA's own limits so that a term's worth of orders waits in our queue
 * instead of failing at the CA with `rateLimited`. The windows are Let's Encrypt's; the limits
 * are configurable (CERT_BUDGET_NEW_PER_WEEK, CERT_BUDGET_ORDERS_PER_3H).
 */

export const WEEK_MS = 7 * 86_400_000;
export const THREE_HOURS_MS = 3 * 3_600_000;

/** Let's Encrypt: 50 new certificates per registered domain per week, 300 new orders per account per 3 h. */
export const DEFAULT_NEW_CERTIFICATES_PER_WEEK = 50;
export const DEFAULT_ORDERS_PER_3H = 300;

export const BUDGET_NAMES = ['new-certificates', 'orders'] as const;
export type BudgetName = (typeof BUDGET_NAMES)[number];

export interface BudgetLimit {
  /** Admissions allowed inside any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export type IssuanceBudgets = Readonly<Record<BudgetName, BudgetLimit>>;

export function issuanceBudgets(limits: {
  newCertificatesPerWeek: number;
  ordersPer3h: number;
}): IssuanceBudgets {
  return {
    'new-certificates': { limit: limits.newCertificatesPerWeek, windowMs: WEEK_MS },
    orders: { limit: limits.ordersPer3h, windowMs: THREE_HOURS_MS },
  };
}

export const DEFAULT_ISSUANCE_BUDGETS = issuanceBudgets({
  newCertificatesPerWeek: DEFAULT_NEW_CERTIFICATES_PER_WEEK,
  ordersPer3h: DEFAULT_ORDERS_PER_3H,
});

/**
 * What an order is charged to. `new`: an order for names that hold no issued certificate here
 * (a person's first order, or an order again after a first order failed): both budgets.
 * `renewal`: an order for the exact names of a certificate we still hold (the renewal run, or a
 * person ordering again after a failed renewal): Let's Encrypt exempts those from the
 * new-certificates limit, not from new orders, so only `orders`. `ari-renewal`: a renewal inside
 * the window the CA suggested through ARI (RFC 9773), which Let's Encrypt exempts from every
 * limit: charged to nothing.
 */
export type OrderKind = 'new' | 'renewal' | 'ari-renewal';

export function budgetsCharged(kind: OrderKind): readonly BudgetName[] {
  if (kind === 'new') return BUDGET_NAMES;
  return kind === 'renewal' ? ['orders'] : [];
}

/** The admission times (ms) still inside each budget's window, oldest first. */
export type LedgerSnapshot = Readonly<Record<BudgetName, readonly number[]>>;

/**
 * When each of `count` orders waiting first come first served would be admitted, if nothing else
 * were: an order is admitted once every budget it is charged to has fewer than `limit`
 * admissions in its window, that is once the admission `limit` places back (the ledger's, or a
 * waiting order's estimated one) has left its window; never before `notBefore` (now, or while
 * the CA asks us to wait). A renewal admitted meanwhile takes an `orders` slot and moves the
 * estimates later by its share.
 */
export function estimateStarts(
  ledger: LedgerSnapshot,
  budgets: IssuanceBudgets,
  count: number,
  notBefore: number,
  kind: OrderKind = 'new',
): number[] {
  const charged = budgetsCharged(kind);
  const admissions = new Map(charged.map((name) => [name, [...ledger[name]]]));
  const starts: number[] = [];
  let previous = notBefore;
  for (let place = 1; place <= count; place += 1) {
    let at = previous;
    for (const name of charged) {
      const { limit, windowMs } = budgets[name];
      const times = admissions.get(name) ?? [];
      const blocking = times[times.length - limit];
      if (blocking !== undefined) at = Math.max(at, blocking + windowMs);
    }
    for (const name of charged) admissions.get(name)?.push(at);
    starts.push(at);
    previous = at;
  }
  return starts;
}
