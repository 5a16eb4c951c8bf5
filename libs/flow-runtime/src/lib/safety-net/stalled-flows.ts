import type { Queue } from 'bullmq';
import type { StepState } from '../job-progress';

/** States in which a flow still runs by itself: a worker has it or will pick it up. */
export const LIVE_STEP_STATES: readonly StepState[] = [
  'waiting',
  'waiting-children',
  'delayed',
  'active',
  'prioritized',
];

/** The state of a flow's root job; 'unknown' when the row has no flow or Redis has no such job. */
export async function rootJobState(rootQueue: Queue, flowId: string | null): Promise<StepState> {
  if (!flowId) return 'unknown';
  const root = await rootQueue.getJob(flowId);
  return root ? root.getState() : 'unknown';
}

/** A row in flight: its flow should bring it to a final status. */
export interface WatchedRow {
  flowId: string | null;
  /** The database's time of the row's last change (the commit that gave it its flow). */
  updatedAt: Date;
}

/** After `max` resumes of one flow the safety net stops resuming and gives the row up. */
export interface ResumeBound<Row> {
  max: number;
  resumesOf(row: Row): number;
  /** Ends the row with a final status and the reason; idempotent. */
  giveUp(row: Row, reason: string): Promise<void>;
}

/** How a safety net treats the rows of one flow whose flow may have stopped. */
export interface StalledFlowRules<Row extends WatchedRow> {
  /** How long a row may go without a live flow: the producer adds the flow after its commit. */
  graceMs: number;
  /** The state of the row's flow, usually its root job's (rootJobState). */
  stateOf(row: Row): Promise<StepState>;
  /**
   * Whether the row's flow, its root waiting for children, is broken: a job of its tree waits
   * for a child job Redis lost (flowState). Asked only past the grace period: it walks the tree.
   */
  isBroken(row: Row): Promise<boolean>;
  /** Removes a broken flow's tree from Redis, before the row is resumed or given up. */
  removeBroken(row: Row): Promise<void>;
  /** Starts the row's flow again; false when there is no flow to start. */
  resume(row: Row): Promise<boolean>;
  /** Without a bound, a flow is resumed as often as it stops. */
  bound?: ResumeBound<Row>;
}

/** 'repaired': the row's flow was broken, its tree was removed and the row resumed. */
export type StalledFlowOutcome =
  'live' | 'young' | 'resumed' | 'repaired' | 'gave-up' | 'unresumable';

/**
 * The safety net's decision for one row in flight, shared by every flow: a live flow is left
 * alone, and so is a row younger than the grace period (its flow may still be on its way); a row
 * whose flow is gone from Redis or failed is resumed, or given up once its resumes are spent. A
 * broken flow (its root waits for a child job that Redis lost; its tree is walked only once the
 * row is past the grace period) is removed from Redis first, then treated the same: resumed
 * ('repaired') or given up.
 * `now` is the database's clock, the one that wrote updatedAt.
 */
export async function resumeIfStalled<Row extends WatchedRow>(
  row: Row,
  now: Date,
  rules: StalledFlowRules<Row>,
): Promise<StalledFlowOutcome> {
  const state = await rules.stateOf(row);
  const young = now.getTime() - row.updatedAt.getTime() < rules.graceMs;
  const broken = !young && state === 'waiting-children' && (await rules.isBroken(row));
  if (LIVE_STEP_STATES.includes(state) && !broken) return 'live';
  if (young) return 'young';
  // Its root would otherwise keep the flow's job ids taken, and wait in Redis forever.
  if (broken) await rules.removeBroken(row);
  const { bound } = rules;
  if (bound) {
    const resumes = bound.resumesOf(row);
    if (resumes >= bound.max) {
      await bound.giveUp(
        row,
        `its flow stopped ${resumes + 1} times (lost or failed without a final status) and ` +
          `was resumed ${resumes} times; nothing more was tried`,
      );
      return 'gave-up';
    }
  }
  if (!(await rules.resume(row))) return 'unresumable';
  return broken ? 'repaired' : 'resumed';
}

/** How many rows of one safety-net run ended each way. */
export type StalledFlowTally = Record<StalledFlowOutcome, number>;

/** resumeIfStalled for each row in turn; one row's error does not stop the others. */
export async function resumeStalledRows<Row extends WatchedRow>(
  rows: readonly Row[],
  now: Date,
  rules: StalledFlowRules<Row>,
  onError: (row: Row, error: unknown) => void,
): Promise<StalledFlowTally & { errors: number }> {
  const tally = {
    live: 0,
    young: 0,
    resumed: 0,
    repaired: 0,
    'gave-up': 0,
    unresumable: 0,
    errors: 0,
  };
  for (const row of rows) {
    try {
      tally[await resumeIfStalled(row, now, rules)] += 1;
    } catch (error) {
      tally.errors += 1;
      onError(row, error);
    }
  }
  return tally;
}
