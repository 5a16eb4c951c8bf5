import { classifyRefusedChange, InvalidChangeError, toRoute53Error } from '../errors';
import type { RecordChange } from '../record-set';
import { planBatch, ROUTE53_BATCH_LIMITS } from './batch-limits';

/** Sends one atomic batch and returns its change id; rejects with InvalidChangeError if refused. */
export type SendBatch = (changes: readonly RecordChange[]) => Promise<string>;

export interface ChangeBatcherOptions {
  /** How long the first change of a batch waits for others to join it. */
  windowMs: number;
  /**
   * Under load (the last batch carried at least BUSY_BATCH_CHANGES changes), the least time
   * between the starts of two batches, so that changes pile up into fewer, larger calls. A held
   * batch leaves early once no change has joined it for QUIET_WINDOWS windows: nothing more is
   * coming, and waiting longer would only delay the last records of a burst.
   * 0 or undefined: the next batch leaves as soon as the last one is answered.
   */
  busyIntervalMs?: number;
}

// Fewer changes than this in a batch means light traffic: the next batch is not held back.
export const BUSY_BATCH_CHANGES = 10;

// A held batch that no change has joined for this many windows leaves early. Long enough that
// a steady stream of changes (a few per window) never looks quiet, nor a short pause of the
// process (a garbage collection); short next to the busy interval.
export const QUIET_WINDOWS = 4;

interface QueuedChange {
  change: RecordChange;
  resolve: (changeId: string) => void;
  reject: (error: Error) => void;
}

/**
 * Coalesces the changes of one process into shared ChangeResourceRecordSets batches, one batch in
 * flight at a time: Route 53 answers PriorRequestNotComplete to concurrent changes to one zone.
 */
export class ChangeBatcher {
  private queue: QueuedChange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flight: Promise<void> | undefined;
  private lastBatch = { startedAt: 0, changes: 0 };
  private lastArrivalAt = 0;

  constructor(
    private readonly send: SendBatch,
    private readonly options: ChangeBatcherOptions,
  ) {}

  /** Resolves with the change id of the batch that carried `change`; rejects for it alone. */
  submit(change: RecordChange): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      this.lastArrivalAt = Date.now();
      // A held-back batch that is already as large as Route 53 allows gains nothing by waiting.
      if (
        this.timer &&
        !this.flight &&
        this.queue.length >= ROUTE53_BATCH_LIMITS.maxResourceRecords
      ) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.flush();
      }
      this.schedule();
    });
  }

  /** Sends what is queued now, without waiting for the window, and waits until all is settled. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flight) {
      if (!this.flight) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.flush();
      }
      await this.flight;
    }
  }

  private schedule(): void {
    if (this.flight || this.timer || this.queue.length === 0) return;
    this.startTimer(Math.max(this.options.windowMs, this.holdMs()));
  }

  private flush(): void {
    const batch = planBatch(this.queue, (queued) => queued.change);
    const taken = new Set(batch);
    this.queue = this.queue.filter((queued) => !taken.has(queued));
    this.lastBatch = { startedAt: Date.now(), changes: batch.length };
    this.flight = this.sendBatch(batch).finally(() => {
      this.flight = undefined;
      this.afterFlight();
    });
  }

  /** Whatever queued up meanwhile has already waited longer than a window; under load, longer. */
  private afterFlight(): void {
    if (this.queue.length === 0 || this.timer) return;
    const holdMs = this.holdMs();
    if (holdMs > 0) this.startTimer(holdMs);
    else this.flush();
  }

  /** How much longer the next batch waits because the last one showed load; 0 for none. */
  private holdMs(): number {
    if (this.lastBatch.changes < BUSY_BATCH_CHANGES) return 0;
    return Math.max(0, this.lastBatch.startedAt + (this.options.busyIntervalMs ?? 0) - Date.now());
  }

  /**
   * Sends the queued batch after `delayMs`, or earlier when it is held for load and no change
   * has joined it for QUIET_WINDOWS windows.
   */
  private startTimer(delayMs: number): void {
    const quietMs = this.options.windowMs * QUIET_WINDOWS;
    if (quietMs <= 0 || delayMs <= quietMs) {
      this.timer = setTimeout(() => this.fire(), delayMs);
      return;
    }
    const due = Date.now() + delayMs;
    const tick = (): void => {
      const now = Date.now();
      const quietFrom = this.lastArrivalAt + quietMs;
      if (now >= due || now >= quietFrom) this.fire();
      else this.timer = setTimeout(tick, Math.min(due, quietFrom) - now);
    };
    this.timer = setTimeout(
      tick,
      Math.min(delayMs, Math.max(1, this.lastArrivalAt + quietMs - Date.now())),
    );
  }

  private fire(): void {
    this.timer = undefined;
    this.flush();
  }

  private async sendBatch(batch: readonly QueuedChange[]): Promise<void> {
    try {
      await this.sendOrBisect(batch, false);
    } catch (error) {
      // Not about any one change (throttled, unavailable, denied): every change still waiting gets it.
      const failure = toRoute53Error(error);
      for (const queued of batch) queued.reject(failure);
    }
  }

  /**
   * Route 53 refuses a whole batch for one bad change, so a refused batch is split in halves until
   * each bad change is alone and fails with its own reason. When the first half goes through, the
   * second holds the bad change and is split without being sent whole. Returns whether every
   * change of `batch` went through.
   */
  private async sendOrBisect(
    batch: readonly QueuedChange[],
    knownRefused: boolean,
  ): Promise<boolean> {
    const [only] = batch;
    if (!knownRefused || (only && batch.length === 1)) {
      try {
        const changeId = await this.send(batch.map((queued) => queued.change));
        for (const queued of batch) queued.resolve(changeId);
        return true;
      } catch (error) {
        if (!(error instanceof InvalidChangeError)) throw error;
        if (only && batch.length === 1) {
          only.reject(classifyRefusedChange(error));
          return false;
        }
      }
    }
    const middle = Math.ceil(batch.length / 2);
    const firstAccepted = await this.sendOrBisect(batch.slice(0, middle), false);
    const secondAccepted = await this.sendOrBisect(batch.slice(middle), firstAccepted);
    return firstAccepted && secondAccepted;
  }
}
