import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { NOTICE_SINK, type NoticeSink } from '@starchart/flow-runtime';
import { DnsRecordsRepository, type DnsRecordEntity } from '@starchart/persistence';
import { DnsFlowService } from '../dns-flow.service';
import { flowIdFor } from '../flow';
import { EXPIRY_SETTINGS, type ExpiryReport, type ExpirySettings } from './expiry-settings';

const DAY_MS = 86_400_000;
// Rows read per query; a run goes on until none is left, or until it has seen this many batches
// (the next slot takes the rest).
const BATCH = 200;
const MAX_BATCHES = 50;

/**
 * One expiry run: records past their expiry go through the normal delete flow (claimed as the
 * next version in status deleting, then their delete flow added), so the zone and the database
 * stay in step; owners of records near their expiry are warned. Safe to run twice at once and
 * to repeat: every claim is conditional on the record's version, status and expiry (a renew
 * that commits first wins), and every notice has an id derived from the record and its expiry
 * date, so a second run's notices are the first run's.
 */
@Injectable()
export class RecordExpiry {
  private readonly logger = new Logger(RecordExpiry.name);

  constructor(
    private readonly records: DnsRecordsRepository,
    private readonly flows: DnsFlowService,
    @Inject(EXPIRY_SETTINGS) private readonly settings: ExpirySettings,
    @Optional() @Inject(NOTICE_SINK) private readonly notices?: NoticeSink,
  ) {}

  async run(now = new Date()): Promise<ExpiryReport> {
    const removed = await this.removeExpired(now);
    const warned = await this.warn(now);
    if (removed.length > 0) this.logger.log(`removing ${removed.length} expired record(s)`);
    return { removed, warned };
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

  /**
   * Claims the record for its delete flow, tells its owner and adds the flow; false when
   * something else got there first. Any failure puts the record back for the next run, whose
   * notice then has the same id.
   */
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
      await this.notices?.notify({
        kind: 'record-removed',
        username: record.username,
        recordId: record.id,
        fqdn: record.fqdn,
        type: record.type,
        expiresAt: record.expiresAt.toISOString(),
      });
      // Added after the claim's commit: the flow's steps look for this version of the row.
      await this.flows.start('delete', claimed, { mayExist: false });
    } catch (error) {
      await this.records.restore(record, version);
      throw error;
    }
    return true;
  }

  /**
   * The nearest warning first: a record 5 days from expiry that was never warned gets the 7-day
   * warning only, and is then not warned 30 days ahead.
   */
  private async warn(now: Date): Promise<Record<string, number>> {
    const warned: Record<string, number> = {};
    if (!this.notices) return warned;
    for (const days of [...this.settings.warningDays].sort((a, b) => a - b)) {
      const horizon = new Date(now.getTime() + days * DAY_MS);
      let count = 0;
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const due = await this.records.findToWarn(now, horizon, days, BATCH);
        for (const record of due) {
          await this.notices.notify({
            kind: 'record-expiring',
            username: record.username,
            recordId: record.id,
            fqdn: record.fqdn,
            type: record.type,
            expiresAt: record.expiresAt.toISOString(),
            daysBefore: days,
          });
          // After the notice is queued: a run that dies in between repeats the same notice id.
          await this.records.markWarned(record, days);
          count += 1;
        }
        if (due.length < BATCH) break;
      }
      warned[String(days)] = count;
    }
    return warned;
  }
}
