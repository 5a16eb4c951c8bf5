import { Injectable, Logger } from '@nestjs/common';
import { DnsRecordsRepository, type DnsRecordEntity } from '@starchart/persistence';
import { DnsFlowService } from '../dns-flow.service';
import { flowIdFor } from '../flow';
import type { ExpiryReport } from './expiry-settings';

// Rows read per query; a run goes on until none is left, or until it has seen this many batches
// (the next slot takes the rest).
const BATCH = 200;
const MAX_BATCHES = 50;

/**
 * One expiry run: records past their expiry go through the normal delete flow (claimed as the
 * next version in status deleting, then their delete flow added), so the zone and the database
 * stay in step. Safe to run twice at once and to repeat: every claim is conditional on the
 * record's version, status and expiry, and a renew that commits first wins.
 */
@Injectable()
export class RecordExpiry {
  private readonly logger = new Logger(RecordExpiry.name);

  constructor(
    private readonly records: DnsRecordsRepository,
    private readonly flows: DnsFlowService,
  ) {}

  async run(now = new Date()): Promise<ExpiryReport> {
    const removed = await this.removeExpired(now);
    if (removed.length > 0) this.logger.log(`removing ${removed.length} expired record(s)`);
    return { removed, warned: {} };
  }

  private async removeExpired(now: Date): Promise<string[]> {
    const removed: string[] = [];
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const expired = await this.records.findExpired(now, BATCH);
      for (const record of expired) {
        if (await this.remove(record, now)) removed.push(record.id);
      }
      if (expired.length < BATCH) break;
    }
    return removed;
  }

  /** Claims the record for its delete flow and adds the flow; false when something else won. */
  private async remove(record: DnsRecordEntity, now: Date): Promise<boolean> {
    const version = record.version + 1;
    const claimed = await this.records.claimExpired(record, now, {
      status: 'deleting',
      statusReason: `Expired on ${record.expiresAt.toISOString()} without a renew; removed by the expiry run.`,
      version,
      flowId: flowIdFor({ op: 'delete', recordId: record.id, version }),
    });
    if (!claimed) return false;
    try {
      // Added after the claim's commit: the flow's steps look for this version of the row.
      await this.flows.start('delete', claimed, { mayExist: false });
    } catch (error) {
      // Put back, so that the next run tries again.
      await this.records.restore(record, version);
      throw error;
    }
    return true;
  }
}
