import { Inject, Injectable, Logger } from '@nestjs/common';
import { DnsRecordsRepository, type DnsRecordEntity } from '@starchart/persistence';
import {
  InvalidChangeError,
  Route53Service,
  type RecordChange,
  type RecordSet,
} from '@starchart/route53';
import { LIVE_STEP_STATES, resumeIfStalled, type StalledFlowRules } from '@starchart/flow-runtime';
import { DnsFlowService } from '../dns-flow.service';
import { parseFlowId } from '../flow';
import { toJobData } from '../job-data';
import { toRecordSet } from '../record-set';
import { RECONCILE_SETTINGS, type ReconcileSettings } from './reconcile-settings';
import type { ReconcileReport } from './reconcile-job';
import { ZoneCapacity } from '../zone-capacity/zone-capacity';

/** Sets a reconcile run never touches: the zone's own, and what the certificate flow writes. */
const UNTOUCHABLE_TYPES: readonly string[] = ['SOA', 'NS'];
const ACME_CHALLENGE_LABEL = '_acme-challenge';
// Changes handed to the batcher at once; it packs them into Route 53's 1,000-change batches.
const CHANGES_PER_ROUND = 1_000;

type RowStatus = DnsRecordEntity['status'];
const IN_FLIGHT: readonly RowStatus[] = ['pending', 'deleting'];

interface PlannedChange {
  change: RecordChange;
  kind: 'upsert' | 'delete';
}

/**
 * The safety net behind the flows: the database is the truth for active records, and the hosted
 * zone is made to match it. A flow gives progress per request; this repairs what flows could
 * not (a lost job, a change made by hand, a failure after Route 53 accepted a change).
 *
 * - an active record missing from Route 53, or held there with other values or TTL: UPSERT;
 * - a record set in a user's zone (`*.<username>.<zone>`) that no record accounts for: DELETE,
 *   never SOA or NS, the apex, `<username>.<zone>` itself (it may be an operator's name) or an
 *   `_acme-challenge` name (the certificate flow's challenges);
 * - a pending or deleting record whose flow is gone from Redis or failed, older than the grace
 *   period: its flow runs again with the same ids;
 * - the same for one whose flow is broken (its root waits for a child job Redis lost): the
 *   flow's tree is removed first, which frees its ids;
 * - anything a live flow works on, and every name with a pending or deleting record: untouched;
 * - records in `error` are the user's to fix (update or delete them); they are left alone.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);
  /** Records are resumed as often as their flow stops: their root always writes a final status. */
  private readonly stalled: StalledFlowRules<DnsRecordEntity>;

  constructor(
    private readonly records: DnsRecordsRepository,
    private readonly route53: Route53Service,
    private readonly flows: DnsFlowService,
    @Inject(RECONCILE_SETTINGS) settings: ReconcileSettings,
    private readonly capacity: ZoneCapacity,
  ) {
    this.stalled = {
      graceMs: settings.graceMs,
      stateOf: (row) => this.flows.getFlowState(row),
      isBroken: async (row) => (await this.flows.checkFlow(row)) === 'broken',
      removeBroken: (row) => this.removeBroken(row),
      resume: (row) => this.resume(row),
    };
  }

  async reconcile(): Promise<ReconcileReport> {
    const started = Date.now();
    const report: ReconcileReport = {
      scanned: 0,
      upserted: 0,
      deleted: 0,
      requeued: 0,
      skippedInFlight: 0,
      failed: 0,
      durationMs: 0,
      zone: null,
    };
    const zoneName = await this.route53.zoneName;
    // The zone is read before the database: a set a flow writes meanwhile then has its row
    // already, and a row deleted meanwhile had its set deleted first.
    const zone = new Map<string, RecordSet>();
    for await (const set of this.route53.listRecordSets()) {
      report.scanned += 1;
      zone.set(setKey(set.name, set.type), set);
    }
    // The database's clock, the one that wrote updated_at: the workers' clocks may differ.
    const now = await this.records.now();
    const rows = await this.records.findAll();
    const busyNames = new Set(rows.filter(isInFlight).map((row) => row.fqdn));
    const known = new Set(rows.map((row) => setKey(row.fqdn, row.type)));

    const planned: PlannedChange[] = [];
    for (const row of rows) {
      if (isInFlight(row)) {
        const outcome = await resumeIfStalled(row, now, this.stalled);
        if (outcome === 'resumed' || outcome === 'repaired') report.requeued += 1;
        // Within the grace period the api may still be adding the flow: in flight too.
        else if (outcome !== 'unresumable') report.skippedInFlight += 1;
        continue;
      }
      if (row.status !== 'active') continue;
      const wanted = toRecordSet(toJobData('update', row));
      const current = zone.get(setKey(row.fqdn, row.type));
      if (current && sameRecordSet(current, wanted)) continue;
      if (busyNames.has(row.fqdn) || (await this.hasLiveFlow(row))) {
        report.skippedInFlight += 1;
        continue;
      }
      planned.push({ kind: 'upsert', change: { action: 'UPSERT', recordSet: wanted } });
    }

    const strays = [...zone.values()].filter(
      (set) => isInUsersZone(set, zoneName) && !known.has(setKey(set.name, set.type)),
    );
    for (const set of await this.stillUnknown(strays)) {
      if (busyNames.has(set.name)) report.skippedInFlight += 1;
      else planned.push({ kind: 'delete', change: { action: 'DELETE', recordSet: set } });
    }

    await this.apply(planned, report);
    report.zone = await this.readCapacity();
    report.durationMs = Date.now() - started;
    const { zone: reading, ...counts } = report;
    this.logger.log({ msg: 'reconciled', zone: zoneName, ...counts, ...reading });
    return report;
  }

  /**
   * One GetHostedZoneLimit a run tells the api whether the zone is full, so that creates are
   * refused before their flows start; a run that cannot read it still counts as done.
   */
  private async readCapacity(): Promise<ReconcileReport['zone']> {
    try {
      const { count, max } = await this.route53.recordSetLimit();
      await this.capacity.record({ count, max });
      return { recordSets: count, quota: max };
    } catch (error) {
      this.logger.warn({ msg: 'zone capacity not read', error: String(error) });
      return null;
    }
  }

  /** Re-reads stray sets' names right before deleting: a create accepted since owns its set. */
  private async stillUnknown(strays: RecordSet[]): Promise<RecordSet[]> {
    if (strays.length === 0) return [];
    const names = [...new Set(strays.map((set) => set.name))];
    const rows = await this.records.findNameKeys(names);
    const known = new Set(rows.map((row) => setKey(row.fqdn, row.type)));
    return strays.filter((set) => !known.has(setKey(set.name, set.type)));
  }

  /** The record's current flow again, with the same ids; false when it has none to resume. */
  private async resume(row: DnsRecordEntity): Promise<boolean> {
    const flow = row.flowId ? parseFlowId(row.flowId) : undefined;
    if (!flow || flow.version !== row.version) {
      this.logger.warn({ msg: 'stalled record has no flow to resume', recordId: row.id });
      return false;
    }
    const resumed = await this.flows.resume(flow.op, row);
    if (resumed === 'none') {
      this.logger.warn({ msg: 'stalled record whose flow completed', recordId: row.id });
      return false;
    }
    this.logger.log({ msg: 'resumed stalled flow', recordId: row.id, op: flow.op, resumed });
    return true;
  }

  /** A broken flow's tree out of Redis: its root and every job still there. */
  private async removeBroken(row: DnsRecordEntity): Promise<void> {
    await this.flows.removeFlow(row);
    this.logger.warn({ msg: 'removed broken flow', recordId: row.id, flowId: row.flowId });
  }

  private async hasLiveFlow(row: DnsRecordEntity): Promise<boolean> {
    return LIVE_STEP_STATES.includes(await this.flows.getFlowState(row));
  }

  private async apply(planned: PlannedChange[], report: ReconcileReport): Promise<void> {
    for (let start = 0; start < planned.length; start += CHANGES_PER_ROUND) {
      const round = planned.slice(start, start + CHANGES_PER_ROUND);
      const results = await Promise.allSettled(
        round.map(({ change }) => this.route53.submitChange(change)),
      );
      results.forEach((result, index) => {
        const { kind, change } = round[index] ?? {};
        if (!kind || !change) return;
        const { name, type } = change.recordSet;
        if (result.status === 'fulfilled') {
          if (kind === 'upsert') report.upserted += 1;
          else report.deleted += 1;
          this.logger.log({ msg: `reconcile ${kind}`, name, type });
        } else if (kind === 'delete' && result.reason instanceof InvalidChangeError) {
          // Route 53 deletes exact values only: the set was deleted or rewritten since the listing.
        } else {
          report.failed += 1;
          this.logger.warn({
            msg: `reconcile ${kind} failed`,
            name,
            type,
            error: result.reason instanceof Error ? result.reason.message : String(result.reason),
          });
        }
      });
    }
  }
}

function isInFlight(row: DnsRecordEntity): boolean {
  return IN_FLIGHT.includes(row.status);
}

function setKey(name: string, type: string): string {
  return `${name} ${type}`;
}

/** Only `<names>.<username>.<zone>`, and never the zone's own sets or ACME challenges. */
function isInUsersZone(set: RecordSet, zoneName: string): boolean {
  if (UNTOUCHABLE_TYPES.includes(set.type)) return false;
  if (!set.name.endsWith(`.${zoneName}`)) return false;
  const labels = set.name.slice(0, -zoneName.length - 1).split('.');
  return labels.length >= 2 && !labels.includes(ACME_CHALLENGE_LABEL);
}

function sameRecordSet(current: RecordSet, wanted: RecordSet): boolean {
  if (current.ttl !== wanted.ttl || current.values.length !== wanted.values.length) return false;
  const values = new Set(current.values.map((value) => normalizeValue(current.type, value)));
  return wanted.values.every((value) => values.has(normalizeValue(wanted.type, value)));
}

/** Host names compare without case or trailing dot, as DNS compares them; TXT and CAA exactly. */
function normalizeValue(type: string, value: string): string {
  return type === 'TXT' || type === 'CAA' ? value : value.replace(/\.$/, '').toLowerCase();
}
