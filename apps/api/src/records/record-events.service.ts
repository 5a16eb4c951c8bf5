import { Inject, Injectable } from '@nestjs/common';
import { DnsRecordsRepository, type DnsRecordEntity } from '@starchart/persistence';
import type { Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProgressStreams, type ProgressSnapshot } from '../http/progress-stream';
import { toRecordView } from './record-view';
import { RecordsService } from './records.service';

/**
 * Streams a record's progress as Server-Sent Events: `event: status` when the record's status
 * changes, `event: step` when a step's state changes, and a final `event: done` once the record
 * is active, error or gone.
 */
@Injectable()
export class RecordEventsService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly records: DnsRecordsRepository,
    private readonly recordsService: RecordsService,
    private readonly streams: ProgressStreams,
  ) {}

  /** Writes the stream to `response`; `record` was already checked to be visible to the caller. */
  async stream(record: DnsRecordEntity, response: Response): Promise<void> {
    let latest = record;
    const read = async (): Promise<ProgressSnapshot> => {
      const row = await this.records.findById(record.id);
      if (row) latest = row;
      const steps = (await this.recordsService.stepsOf(latest)) ?? [];
      return {
        view: row && toRecordView(row),
        statusKey: JSON.stringify([latest.status, latest.statusReason, latest.version]),
        steps,
        settled: row === null || row.status === 'active' || row.status === 'error',
        done: {
          status: row ? row.status : 'gone',
          statusReason: row ? row.statusReason : null,
        },
      };
    };
    await this.streams.stream(response, this.config.events, read, { recordId: record.id });
  }
}
