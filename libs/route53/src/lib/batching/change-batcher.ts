import { classifyRefusedChange, InvalidChangeError, toRoute53Error } from '../errors';
import type { RecordChange } from '../record-set';
import { planBatch } from './batch-limits';

/** Sends one atomic batch and returns its change id; rejects with InvalidChangeError if refused. */
export type SendBatch = (changes: readonly RecordChange[]) => Promise<string>;

export interface ChangeBatcherOptions {
  /** How long the first change of a batch waits for others to join it. */
  windowMs: number;
}

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

  constructor(
    private readonly send: SendBatch,
    private readonly options: ChangeBatcherOptions,
  ) {}

  /** Resolves with the change id of the batch that carried `change`; rejects for it alone. */
  submit(change: RecordChange): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
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
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.windowMs);
  }

  private flush(): void {
    const batch = planBatch(this.queue, (queued) => queued.change);
    const taken = new Set(batch);
    this.queue = this.queue.filter((queued) => !taken.has(queued));
    this.flight = this.sendBatch(batch).finally(() => {
      this.flight = undefined;
      // Whatever queued up meanwhile has already waited longer than a window.
      if (this.queue.length > 0) this.flush();
    });
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
