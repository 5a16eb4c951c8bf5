import { Inject, Injectable } from '@nestjs/common';
import { pollDelay, type WaitCheck } from '@starchart/flow-runtime';
import {
  DnsRecordsRepository,
  MAX_STATUS_REASON_LENGTH,
  type DnsRecordEntity,
} from '@starchart/persistence';
import {
  InvalidChangeError,
  RecordSetNotFoundError,
  Route53AccessDeniedError,
  Route53Service,
  ZoneFullError,
  type RecordSet,
} from '@starchart/route53';
import {
  ChangeRejectedError,
  ChangeTimeoutError,
  HostedZoneFullError,
  RecordConflictError,
  RecordGoneError,
  RecordVersionNotCommittedError,
  StaleFlowError,
  ZoneAccessDeniedError,
} from './errors';
import { flowIdFor } from './flow';
import type {
  AddDbRecordResult,
  CheckDnsStatusResult,
  CreateDnsRecordResult,
  DnsRecordJobData,
  SyncDbStatusResult,
} from './job-data';
import { toRecordSet } from './record-set';
import { STEP_SETTINGS, type StepSettings } from './worker-options';
import { ZoneCapacity } from './zone-capacity/zone-capacity';

/** How the Route 53 branch of a flow ended, as its root sees it. */
export type Route53Outcome = { ok: true; changeId: string | null } | { ok: false; reason: string };

const SUPERSEDED: SyncDbStatusResult = { outcome: 'superseded', reason: null };

/**
 * The work of each step. Every method is safe to run twice (BullMQ delivers at least once):
 * Route 53 changes are UPSERTs or DELETEs of exact values, and every database write is
 * conditional on the record's id and the flow's version, so an older flow never overwrites a
 * newer one.
 */
@Injectable()
export class DnsRecordSteps {
  constructor(
    private readonly records: DnsRecordsRepository,
    private readonly route53: Route53Service,
    @Inject(STEP_SETTINGS) private readonly settings: StepSettings,
    private readonly capacity: ZoneCapacity,
  ) {}

  /** add-db-record: the row exists for this version (a create writes it from the job if missing). */
  async confirmRecord(job: DnsRecordJobData): Promise<AddDbRecordResult> {
    const row = await this.records.findById(job.recordId);
    if (!row) {
      if (job.op !== 'create') throw new RecordGoneError(job.recordId);
      return this.insertFromJob(job);
    }
    assertCurrent(row, job);
    if (job.op === 'delete' && row.status !== 'deleting')
      await this.records.markDeleting(job.recordId, job.version);
    return { row: 'confirmed' };
  }

  /** create-dns-record: UPSERT the set (create, update) or DELETE it (delete). */
  async applyChange(job: DnsRecordJobData): Promise<CreateDnsRecordResult> {
    const row = await this.records.findById(job.recordId);
    // A create's row may not be written yet: add-db-record runs beside this step.
    if (row) assertCurrent(row, job);
    else if (job.op !== 'create') throw new RecordGoneError(job.recordId);

    const submittedAt = Date.now();
    const recordSet = toRecordSet(job);
    try {
      if (job.op === 'delete') {
        const changeId = await this.deleteRecordSet(recordSet);
        // The set left the zone: a zone that was full has room for a create again.
        if (changeId !== null) await this.capacity.clear().catch(() => undefined);
        return { changeId, submittedAt };
      }
      // UPSERT, not CREATE: a re-run after a lost reply must not fail on the set it just wrote.
      const { changeId } = await this.route53.submitChange({ action: 'UPSERT', recordSet });
      return { changeId, submittedAt };
    } catch (error) {
      // Told to the api, which then refuses creates before their flows start.
      if (error instanceof ZoneFullError) await this.capacity.record(error).catch(() => undefined);
      throw explainRoute53Failure(error);
    }
  }

  /** check-dns-status: INSYNC, or when to ask again; past the deadline the flow fails. */
  async checkChange(change: CreateDnsRecordResult): Promise<WaitCheck<CheckDnsStatusResult>> {
    if (change.changeId === null) return { done: true, result: { changeId: null } };
    const waited = Date.now() - change.submittedAt;
    if (waited > this.settings.deadlineMs) {
      throw new ChangeTimeoutError(change.changeId, this.settings.deadlineMs);
    }
    const status = await this.route53
      .getChangeStatus(change.changeId)
      .catch((error: unknown) => Promise.reject(explainRoute53Failure(error)));
    if (status === 'INSYNC') return { done: true, result: { changeId: change.changeId } };
    return { done: false, retryInMs: pollDelay(waited, this.settings.poll) };
  }

  /**
   * sync-db-status (root): write what the flow achieved, for this version only.
   *
   * Route 53 is never left half-changed: when the row is gone although this create or update
   * changed Route 53 (its DB step failed for good because a delete finished first), the root
   * deletes the set it wrote. The DELETE names this flow's exact values, and Route 53 refuses a
   * DELETE whose values differ, so a set written since by another flow is left alone.
   */
  async syncStatus(job: DnsRecordJobData, route53: Route53Outcome): Promise<SyncDbStatusResult> {
    // Written first, conditional on this version: the usual case is one statement. Only when
    // nothing matched does the row get read, to tell a removed row from a newer version.
    const written = await this.writeOutcome(job, route53);
    if (written) return written;

    const row = await this.records.findById(job.recordId);
    if (row) return SUPERSEDED;
    if (job.op === 'delete') return { outcome: 'deleted', reason: null };
    if (route53.ok && route53.changeId !== null) await this.removeWrittenSet(job);
    return { outcome: 'gone', reason: null };
  }

  /** The row's final status for this version; undefined when the row is not at this version. */
  private async writeOutcome(
    job: DnsRecordJobData,
    route53: Route53Outcome,
  ): Promise<SyncDbStatusResult | undefined> {
    const { recordId: id, version } = job;
    if (!route53.ok) {
      const reason = route53.reason.slice(0, MAX_STATUS_REASON_LENGTH);
      const marked = await this.records.markError(id, version, reason);
      return marked ? { outcome: 'error', reason } : undefined;
    }
    if (job.op === 'delete') {
      const removed = await this.records.removeAtVersion(id, version);
      return removed ? { outcome: 'deleted', reason: null } : undefined;
    }
    const marked = await this.records.markActive(id, version, route53.changeId);
    return marked ? { outcome: 'active', reason: null } : undefined;
  }

  private async insertFromJob(job: DnsRecordJobData): Promise<AddDbRecordResult> {
    const { recordId: id, username, name, fqdn, type, value, priority, weight, port, ttl } = job;
    const { version } = job;
    const inserted = await this.records.insertPending({
      ...{ id, username, name, fqdn, type, value, priority, weight, port, ttl, version },
      flowId: flowIdFor(job),
    });
    if (inserted) return { row: 'inserted' };
    // Either the api's own insert won the race (same id), or the name is taken.
    const row = await this.records.findById(job.recordId);
    if (!row) throw new RecordConflictError(job.fqdn, job.type);
    assertCurrent(row, job);
    return { row: 'confirmed' };
  }

  /** Returns the change id, or null when the set was already gone. */
  private async deleteRecordSet(recordSet: RecordSet): Promise<string | null> {
    try {
      return (await this.route53.submitChange({ action: 'DELETE', recordSet })).changeId;
    } catch (error) {
      if (error instanceof RecordSetNotFoundError) return null;
      if (!(error instanceof InvalidChangeError)) throw error;
    }
    // Route 53 deletes a set only when the values match exactly, and the zone may still hold
    // an earlier version's values (an update it refused): delete what is actually there.
    const current = await this.route53.getRecordSet(recordSet.name, recordSet.type);
    if (!current) return null;
    try {
      return (await this.route53.submitChange({ action: 'DELETE', recordSet: current })).changeId;
    } catch (error) {
      if (error instanceof RecordSetNotFoundError) return null;
      throw error;
    }
  }

  private async removeWrittenSet(job: DnsRecordJobData): Promise<void> {
    try {
      await this.route53.submitChange({ action: 'DELETE', recordSet: toRecordSet(job) });
    } catch (error) {
      // Already gone, or since replaced with other values: either way not ours to remove.
      if (error instanceof InvalidChangeError) return;
      throw error;
    }
  }
}

function assertCurrent(row: DnsRecordEntity, job: DnsRecordJobData): void {
  if (row.version > job.version) throw new StaleFlowError(job.version, row.version);
  if (row.version < job.version) throw new RecordVersionNotCommittedError(job.version, row.version);
}

/** Route 53's own reasons, in words a user can act on; retryable errors pass through. */
function explainRoute53Failure(error: unknown): unknown {
  if (error instanceof ZoneFullError) {
    return new HostedZoneFullError(error.count, error.max, { cause: error });
  }
  if (error instanceof InvalidChangeError)
    return new ChangeRejectedError(error.message, { cause: error });
  if (error instanceof Route53AccessDeniedError) {
    return new ZoneAccessDeniedError(error.message, { cause: error });
  }
  return error;
}
