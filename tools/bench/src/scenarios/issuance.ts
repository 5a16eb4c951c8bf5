import {
  estimateStarts,
  issuanceBudgets,
  IssuanceLedger,
  type IssuanceBudgets,
} from '@starchart/cert-flow';
import { randomUUID } from 'node:crypto';
import { round, type BenchContext } from '../lib/harness';
import { figure, type Figure, type ScenarioResult } from '../lib/results';
import { nowMs } from '../lib/timing';

/** A term start: this many people order their certificate within the first hour. */
const ORDERS = 500;
const ARRIVAL_WINDOW_MS = 3_600_000;
/** The worker's admission run (CERT_ADMIT_EVERY). */
const ADMIT_EVERY_MS = 60_000;
/**
 * An order from its admission to issued: Route 53's minute to INSYNC, the CA's validation and
 * finalization; modelled as 70 s to 4 min, uniformly (what the bench's certificates scenario and
 * Let's Encrypt's usual answers suggest).
 */
const ISSUANCE_MS = { min: 70_000, max: 240_000 };
const DAY_MS = 86_400_000;

const BUDGETS: { label: string; budgets: IssuanceBudgets }[] = [
  {
    label: "default (Let's Encrypt): 50 new/week, 300 orders/3 h",
    budgets: issuanceBudgets({ newCertificatesPerWeek: 50, ordersPer3h: 300 }),
  },
  {
    label: 'raised: 200 new/week, 300 orders/3 h',
    budgets: issuanceBudgets({ newCertificatesPerWeek: 200, ordersPer3h: 300 }),
  },
  {
    label: 'raised: 1,000 new/week, 300 orders/3 h',
    budgets: issuanceBudgets({ newCertificatesPerWeek: 1_000, ordersPer3h: 300 }),
  },
];

interface TermRun {
  label: string;
  /** From the first order to the last one issued. */
  allIssuedDays: number;
  lastAdmittedDays: number;
  medianWaitDays: number;
  /** How far the estimate an order got when it was queued was from its real start. */
  estimateErrorMaxMinutes: number;
  admissionCalls: number;
  refusals: number;
  wallSeconds: number;
}

/**
 * A simulated term start: 500 orders in the first hour go through the real admission script
 * (IssuanceLedger's Lua, on the stack's Redis) under a simulated clock: the api admits an order
 * the moment it arrives if the budget allows, the admission run ticks every minute, and each
 * admitted order is issued 70 s to 4 min later. The ledger only ever
 * sees the simulated times, so ten weeks pass in seconds. Not in the loop: MariaDB (the queue's
 * order is the arrival order here) and the CA.
 */
export async function issuance(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  const runs: TermRun[] = [];
  for (const { label, budgets } of BUDGETS) runs.push(await simulateTerm(context, label, budgets));
  printSideBySide(runs);
  const figures: Figure[] = runs.flatMap((run) => [
    figure(`${run.label}: all ${ORDERS} issued after`, round(run.allIssuedDays, 2), 'days'),
    figure(`${run.label}: median wait`, round(run.medianWaitDays, 2), 'days'),
    figure(`${run.label}: estimate off by at most`, round(run.estimateErrorMaxMinutes, 1), 'min'),
  ]);
  return {
    scenario: 'issuance',
    seconds: (nowMs() - started) / 1000,
    figures,
    details: { orders: ORDERS, admitEveryMs: ADMIT_EVERY_MS, issuanceMs: ISSUANCE_MS, runs },
  };
}

async function simulateTerm(
  context: BenchContext,
  label: string,
  budgets: IssuanceBudgets,
): Promise<TermRun> {
  const wallStarted = nowMs();
  const prefix = `{bench-issuance-${randomUUID().slice(0, 8)}}`;
  const ledger = new IssuanceLedger(context.redis, prefix, budgets);
  const random = seeded(17);
  const t0 = Date.UTC(2026, 8, 7, 8, 0, 0);
  const arrivals = Array.from(
    { length: ORDERS },
    (_, i) => t0 + Math.floor((i * ARRIVAL_WINDOW_MS) / ORDERS),
  );
  const queue: { index: number; estimate: number }[] = [];
  const admittedAt = new Array<number>(ORDERS).fill(NaN);
  const issuedAt = new Array<number>(ORDERS).fill(NaN);
  const estimateErrors: number[] = [];
  let next = 0;
  let now = t0;
  let admissionCalls = 0;
  let refusals = 0;
  try {
    while (next < ORDERS || queue.length > 0) {
      // Orders arriving by now join the back of the queue, each told its estimated start.
      const joining: number[] = [];
      while (next < ORDERS && (arrivals[next] ?? Infinity) <= now) joining.push(next++);
      if (joining.length > 0) {
        const starts = estimateStarts(
          await ledger.read(now),
          budgets,
          queue.length + joining.length,
          now,
        );
        for (const index of joining) {
          const start = starts[queue.length] ?? now;
          queue.push({ index, estimate: start <= now ? now : atTick(t0, start) });
        }
      }
      // The api admits a new order at once (with every order ahead of it) and the admission run
      // at every tick: first come first served until the budget says no.
      let retryAt = Infinity;
      while (queue.length > 0) {
        const head = queue[0];
        if (!head) break;
        admissionCalls += 1;
        const admission = await ledger.admit('new', `order-${head.index}`, now);
        if (!admission.admitted) {
          refusals += 1;
          retryAt = admission.retryAt;
          break;
        }
        queue.shift();
        admittedAt[head.index] = now;
        issuedAt[head.index] =
          now + ISSUANCE_MS.min + random() * (ISSUANCE_MS.max - ISSUANCE_MS.min);
        estimateErrors.push(Math.abs(now - head.estimate));
      }
      // Skip the ticks at which nothing can change: on to the next arrival (the api's admission)
      // or the admission run's first tick after the budget frees a slot.
      now = Math.min(arrivals[next] ?? Infinity, queue.length > 0 ? atTick(t0, retryAt) : Infinity);
      if (!Number.isFinite(now)) break;
    }
  } finally {
    const keys = await context.redis.keys(`${prefix}:*`);
    if (keys.length > 0) await context.redis.del(...keys);
  }
  const waits = admittedAt.map((at, i) => at - (arrivals[i] ?? at)).sort((a, b) => a - b);
  return {
    label,
    allIssuedDays: (Math.max(...issuedAt) - t0) / DAY_MS,
    lastAdmittedDays: (Math.max(...admittedAt) - t0) / DAY_MS,
    medianWaitDays: (waits[Math.floor(waits.length / 2)] ?? 0) / DAY_MS,
    estimateErrorMaxMinutes: Math.max(...estimateErrors) / 60_000,
    admissionCalls,
    refusals,
    wallSeconds: (nowMs() - wallStarted) / 1000,
  };
}

/** The first admission run at or after `at` (runs tick every ADMIT_EVERY_MS from t0). */
function atTick(t0: number, at: number): number {
  if (!Number.isFinite(at)) return at;
  return t0 + Math.ceil((at - t0) / ADMIT_EVERY_MS) * ADMIT_EVERY_MS;
}

/** A small deterministic PRNG (mulberry32): the same issuance durations on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function printSideBySide(runs: readonly TermRun[]): void {
  const rows: string[][] = [
    [
      'budget',
      'all issued',
      'last admitted',
      'median wait',
      'estimate off ≤',
      'admit calls',
      'wall',
    ],
    ...runs.map((run) => [
      run.label,
      `${round(run.allIssuedDays, 2)} d`,
      `${round(run.lastAdmittedDays, 2)} d`,
      `${round(run.medianWaitDays, 2)} d`,
      `${round(run.estimateErrorMaxMinutes, 1)} min`,
      String(run.admissionCalls),
      `${round(run.wallSeconds, 1)} s`,
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => row[c]?.length ?? 0))) ?? [];
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '));
}
