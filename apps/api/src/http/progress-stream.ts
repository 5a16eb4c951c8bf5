import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';

/** A flow step as a progress stream reports it; a change of state, attempts or reason is an event. */
export interface StreamedStep {
  jobId: string;
  state: string;
  attempts: number;
  failedReason: string | null;
}

/** One look at the thing being followed. */
export interface ProgressSnapshot {
  /** The `event: status` payload; null once the thing is gone. */
  view: object | null;
  /** Changes of this key (status, reason, version) send a new `event: status`. */
  statusKey: string;
  steps: readonly StreamedStep[];
  /** In a final status (or gone): the stream ends once the root step is done too. */
  settled: boolean;
  /** The `event: done` payload, without `timedOut`. */
  done: { status: string; statusReason: string | null };
}

export interface ProgressTiming {
  pollIntervalMs: number;
  heartbeatMs: number;
  maxDurationMs: number;
}

const FINAL_STEP_STATES: ReadonlySet<string> = new Set(['completed', 'failed', 'unknown']);
// After the row settles, how long to wait for the root job to be marked done before closing anyway.
const SETTLE_GRACE_MS = 3_000;

/**
 * Streams progress as Server-Sent Events by polling: `event: status` when the followed thing's
 * status changes, `event: step` when a step changes, and a final `event: done` once it settled
 * (or `timedOut` at the deadline). Used by records and certificates alike.
 */
@Injectable()
export class ProgressStreams implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProgressStreams.name);
  private readonly open = new Set<AbortController>();

  async stream(
    response: Response,
    timing: ProgressTiming,
    read: () => Promise<ProgressSnapshot>,
    context: Record<string, string>,
  ): Promise<void> {
    const { pollIntervalMs, heartbeatMs, maxDurationMs } = timing;
    const abort = new AbortController();
    this.open.add(abort);
    // The response closes when the client goes away (a browser tab closed, EventSource.close()).
    response.on('close', () => abort.abort());
    const deadline = Date.now() + maxDurationMs;

    response.status(200);
    response.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    let eventId = 0;
    const send = (event: string, data: unknown): void => {
      eventId += 1;
      response.write(`id: ${eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    response.write(`retry: ${Math.max(1_000, pollIntervalMs * 3)}\n\n`);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), heartbeatMs);

    let lastStatusKey: string | undefined;
    const lastSteps = new Map<string, string>();
    let settledSince: number | undefined;
    try {
      while (!abort.signal.aborted) {
        const snapshot = await read();
        if (snapshot.view && snapshot.statusKey !== lastStatusKey) {
          lastStatusKey = snapshot.statusKey;
          send('status', snapshot.view);
        }
        for (const step of snapshot.steps) {
          const fingerprint = JSON.stringify([step.state, step.attempts, step.failedReason]);
          if (lastSteps.get(step.jobId) !== fingerprint) {
            lastSteps.set(step.jobId, fingerprint);
            send('step', step);
          }
        }
        settledSince = snapshot.settled ? (settledSince ?? Date.now()) : undefined;
        const root = snapshot.steps[0];
        const rootDone = root === undefined || FINAL_STEP_STATES.has(root.state);
        if (
          settledSince !== undefined &&
          (rootDone || Date.now() - settledSince >= SETTLE_GRACE_MS)
        ) {
          send('done', { ...snapshot.done, timedOut: false });
          return;
        }
        if (Date.now() >= deadline) {
          send('done', { ...snapshot.done, timedOut: true });
          return;
        }
        await sleep(pollIntervalMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    } catch (error) {
      this.logger.warn({ msg: 'progress stream failed', ...context, error });
      send('error', { detail: 'Progress could not be read; reconnect to resume.' });
    } finally {
      clearInterval(heartbeat);
      this.open.delete(abort);
      response.end();
    }
  }

  /** Open streams would keep the HTTP server from closing. */
  beforeApplicationShutdown(): void {
    for (const stream of this.open) stream.abort();
  }
}
