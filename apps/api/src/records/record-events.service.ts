import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FlowStep } from '@starchart/dns-flow';
import { DnsRecordEntity } from '@starchart/persistence';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { Repository } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { toRecordView } from './record-view';
import { RecordsService } from './records.service';

const FINAL_STEP_STATES: ReadonlySet<FlowStep['state']> = new Set([
  'completed',
  'failed',
  'unknown',
]);
// After the row settles, how long to wait for the root job to be marked done before closing anyway.
const SETTLE_GRACE_MS = 3_000;

type StatusSnapshot = Pick<DnsRecordEntity, 'status' | 'statusReason' | 'version'>;

/**
 * Streams a record's progress as Server-Sent Events by polling the row and the flow: an
 * `event: status` when the record's status changes, an `event: step` when a step's state
 * changes, and a final `event: done` once the record is active, error or gone.
 */
@Injectable()
export class RecordEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RecordEventsService.name);
  private readonly open = new Set<AbortController>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @InjectRepository(DnsRecordEntity) private readonly records: Repository<DnsRecordEntity>,
    private readonly recordsService: RecordsService,
  ) {}

  /** Writes the stream to `response`; `record` was already checked to be visible to the caller. */
  async stream(record: DnsRecordEntity, response: Response): Promise<void> {
    const { pollIntervalMs, heartbeatMs, maxDurationMs } = this.config.events;
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

    let latest = record;
    let lastStatus: StatusSnapshot | undefined;
    const lastSteps = new Map<string, string>();
    let settledSince: number | undefined;
    try {
      while (!abort.signal.aborted) {
        const row = await this.records.findOneBy({ id: record.id });
        if (row) latest = row;
        if (row && changed(lastStatus, row)) {
          lastStatus = { status: row.status, statusReason: row.statusReason, version: row.version };
          send('status', toRecordView(row));
        }
        const steps = (await this.recordsService.stepsOf(latest)) ?? [];
        for (const step of steps) {
          const fingerprint = JSON.stringify([step.state, step.attempts, step.failedReason]);
          if (lastSteps.get(step.jobId) !== fingerprint) {
            lastSteps.set(step.jobId, fingerprint);
            send('step', step);
          }
        }

        const settled = row === null || row.status === 'active' || row.status === 'error';
        settledSince = settled ? (settledSince ?? Date.now()) : undefined;
        const rootDone = steps.length === 0 || FINAL_STEP_STATES.has(steps[0]?.state ?? 'unknown');
        if (
          settledSince !== undefined &&
          (rootDone || Date.now() - settledSince >= SETTLE_GRACE_MS)
        ) {
          send('done', {
            status: row ? row.status : 'gone',
            statusReason: row?.statusReason ?? null,
            timedOut: false,
          });
          return;
        }
        if (Date.now() >= deadline) {
          send('done', {
            status: latest.status,
            statusReason: latest.statusReason,
            timedOut: true,
          });
          return;
        }
        await sleep(pollIntervalMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    } catch (error) {
      this.logger.warn({ msg: 'record event stream failed', recordId: record.id, error });
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

function changed(previous: StatusSnapshot | undefined, row: DnsRecordEntity): boolean {
  return (
    previous === undefined ||
    previous.status !== row.status ||
    previous.statusReason !== row.statusReason ||
    previous.version !== row.version
  );
}
