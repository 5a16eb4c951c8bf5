import type { FlowJob, FlowProducer } from 'bullmq';
import { activeTraceMetadata, withTraceMetadata } from './trace-context';

/** At most this many flows go into one MULTI; more wait for the next turn of the event loop. */
const MAX_FLOWS_PER_CALL = 100;

interface QueuedFlow {
  flow: FlowJob;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Adds flows for many concurrent callers: the flows asked for during one turn of the event loop
 * go to Redis together in one `addBulk` (one MULTI, one write), instead of one MULTI each. Adds
 * no delay: the batch leaves on the next `setImmediate`. All flows of a batch are added or none
 * is (MULTI/EXEC), so every caller of a failed batch gets its error and nothing was added.
 */
export class FlowAdder {
  private queued: QueuedFlow[] = [];
  private scheduled = false;

  constructor(private readonly producer: FlowProducer) {}

  add(flow: FlowJob): Promise<void> {
    const trace = activeTraceMetadata();
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ flow: trace ? withTraceMetadata(flow, trace) : flow, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queued.splice(0, MAX_FLOWS_PER_CALL);
    if (this.queued.length > 0) setImmediate(() => this.flush());
    else this.scheduled = false;
    // Through a promise, so that even a synchronous throw reaches the callers, not the loop.
    Promise.resolve()
      .then(() => this.producer.addBulk(batch.map(({ flow }) => flow)))
      .then(
        () => {
          for (const { resolve } of batch) resolve();
        },
        (error: unknown) => {
          for (const { reject } of batch) reject(error);
        },
      );
  }
}
