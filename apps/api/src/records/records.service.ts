import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DnsFlowService,
  type FlowOp,
  type FlowStep,
  flowIdFor,
  parseFlowId,
  ZoneCapacity,
} from '@starchart/dns-flow';
import {
  DnsRecordEntity,
  DnsRecordsRepository,
  type DnsRecordType,
  expiryFrom,
  type InsertRefusal,
  isDuplicateKey,
  type RecordStatus,
  retryWriteCollisions,
  WriteContentionError,
} from '@starchart/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { FlowStarter } from '../flows/flow-starter';
import {
  type FieldError,
  ForbiddenError,
  InvalidInputError,
  QuotaExceededError,
  RecordBeingRemovedError,
  RecordBusyError,
  RecordConflictError,
  RecordNotFoundError,
  RecordNotInErrorError,
  ServiceUnavailableError,
  ZoneFullError,
} from '../problems/api-errors';
import {
  idempotentId,
  type IdempotentRequest,
  IdempotencyStore,
  type StoredResponse,
} from './idempotency.store';
import { decodeRecordCursor, encodeRecordCursor } from './record-cursor';
import { checkFqdnLength, checkRelativeName, checkValue, toFqdn } from './record-rules';
import {
  type CreateRecordInput,
  numberFieldIssue,
  type ListRecordsQuery,
  type RecordView,
  recordViewSchema,
  type UpdateRecordInput,
} from './record.schemas';
import { toRecordView } from './record-view';

/** What a write answers: the status and body, and whether they are a stored replay. */
export interface WriteResult {
  statusCode: number;
  body: RecordView;
  replayed: boolean;
}

export interface RecordPage {
  items: RecordView[];
  total: number;
  limit: number;
  quota: number;
  nextCursor: string | null;
}

const ACCEPTED = 202;
// Statuses in which no flow is running, so a new change may start one.
const SETTLED_STATUSES: readonly RecordStatus[] = ['active', 'error'];
// A create that lost a race with another of the same user runs its checks again, this often,
// after a random pause of up to this many milliseconds times the attempt.
const CREATE_RETRIES = { attempts: 5, jitterMs: 20 };

/**
 * What a person can do with their records. Each write commits its row, then adds its flow
 * through FlowStarter; the SQL lives in DnsRecordsRepository.
 */
@Injectable()
export class RecordsService {
  private readonly logger = new Logger(RecordsService.name);

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly dataSource: DataSource,
    private readonly records: DnsRecordsRepository,
    private readonly flows: DnsFlowService,
    private readonly flowStarter: FlowStarter,
    private readonly idempotency: IdempotencyStore,
    private readonly zoneCapacity: ZoneCapacity,
  ) {}

  async create(
    principal: Principal,
    input: CreateRecordInput,
    idempotent?: IdempotentRequest,
  ): Promise<WriteResult> {
    const relative = checkRelativeName(input.name, this.config.rootDomain);
    if (!relative.ok) throw new InvalidInputError([{ field: 'name', message: relative.message }]);
    const fqdn = toFqdn(input.name, principal.username, this.config.rootDomain);
    const fqdnCheck = checkFqdnLength(fqdn);
    if (!fqdnCheck.ok) throw new InvalidInputError([{ field: 'name', message: fqdnCheck.message }]);
    if (input.type === 'CNAME' && input.value === fqdn) {
      throw new InvalidInputError([
        { field: 'value', message: 'a CNAME cannot point at its own name' },
      ]);
    }

    const id = idempotent ? idempotentId(idempotent) : randomUUID();
    // Set here rather than by the database, so the answer needs no second read of the row.
    const now = new Date();
    const record = Object.assign(new DnsRecordEntity(), {
      id,
      username: principal.username,
      name: input.name,
      fqdn,
      type: input.type,
      value: input.value,
      priority: input.priority,
      weight: input.weight,
      port: input.port,
      ttl: input.ttl,
      status: 'pending',
      statusReason: null,
      version: 1,
      flowId: flowIdFor({ op: 'create', recordId: id, version: 1 }),
      changeId: null,
      expiresAt: expiryFrom(now, this.config.recordLifetimeDays),
      expiryWarnedDays: null,
      createdAt: now,
      updatedAt: now,
    } satisfies DnsRecordEntity);
    const replayed = await this.saveNewRecord(principal, record, idempotent);
    if (replayed) return replayed;
    await this.flowStarter.start({
      producer: this.flows,
      // A fresh random id cannot have a flow yet; a derived one may (a retried request).
      add: () => this.flows.start('create', record, { mayExist: idempotent !== undefined }),
      undo: () => this.undoCreate(record, idempotent),
      subject: { op: 'create', recordId: id },
      notDone: 'changed',
    });
    return { statusCode: ACCEPTED, body: toRecordView(record), replayed: false };
  }

  async update(principal: Principal, id: string, patch: UpdateRecordInput): Promise<WriteResult> {
    const record = await this.findVisible(principal, id);
    assertSettled(record);
    const changes = this.applyPatch(record, patch);
    const updated = await this.claimAndStart('update', record, {
      ...changes,
      status: 'pending',
      // A change counts as use: the record lives on from now, and the old warnings are void.
      expiresAt: expiryFrom(new Date(), this.config.recordLifetimeDays),
      expiryWarnedDays: null,
    });
    return { statusCode: ACCEPTED, body: toRecordView(updated), replayed: false };
  }

  async remove(principal: Principal, id: string): Promise<WriteResult> {
    const record = await this.findVisible(principal, id);
    assertSettled(record);
    const deleting = await this.claimAndStart('delete', record, { status: 'deleting' });
    return { statusCode: ACCEPTED, body: toRecordView(deleting), replayed: false };
  }

  /**
   * Moves the record's expiry to a full lifetime from now (its owner only: an admin's token
   * reaches only their own records here). No flow runs: the zone does not change.
   */
  async renew(principal: Principal, id: string): Promise<RecordView> {
    const record = await this.records.findVisible(id, principal.username);
    if (!record) throw new RecordNotFoundError(id);
    const renewed = await this.records.renew(
      record,
      expiryFrom(new Date(), this.config.recordLifetimeDays),
    );
    if (renewed) return toRecordView(renewed);
    const now = await this.records.findById(id);
    if (!now) throw new RecordNotFoundError(id);
    throw new RecordBeingRemovedError(
      `${now.statusReason ?? 'The record is being deleted.'} It cannot be renewed; create it again once it is gone.`,
    );
  }

  /**
   * An admin's retry of a record in error: the operation of its failed flow (create, update or
   * delete) runs again as a new version, so every step starts afresh.
   */
  async retry(id: string): Promise<RecordView> {
    const record = await this.records.findVisible(id, undefined);
    if (!record) throw new RecordNotFoundError(id);
    if (record.status !== 'error') throw new RecordNotInErrorError(record.status);
    const op = (record.flowId ? parseFlowId(record.flowId)?.op : undefined) ?? 'update';
    const retried = await this.claimAndStart(
      op,
      record,
      { status: op === 'delete' ? 'deleting' : 'pending' },
      ['error'],
    );
    return toRecordView(retried);
  }

  /** The record if the caller may see it; someone else's record is reported as missing. */
  async findVisible(principal: Principal, id: string): Promise<DnsRecordEntity> {
    const record = await this.records.findVisible(
      id,
      principal.isAdmin ? undefined : principal.username,
    );
    if (!record) throw new RecordNotFoundError(id);
    return record;
  }

  /** The flow's steps, or null while the queue cannot be reached (the row is still worth showing). */
  async stepsOf(record: DnsRecordEntity): Promise<FlowStep[] | null> {
    try {
      return await this.flows.getSteps(record);
    } catch (error) {
      this.logger.warn({ msg: 'flow steps unavailable', recordId: record.id, error });
      return null;
    }
  }

  async list(principal: Principal, query: ListRecordsQuery): Promise<RecordPage> {
    if (
      query.username !== undefined &&
      query.username !== principal.username &&
      !principal.isAdmin
    ) {
      throw new ForbiddenError("Only admins can list another user's records.");
    }
    const username = principal.isAdmin ? query.username : principal.username;
    const { rows, total } = await this.records.page({
      limit: query.limit,
      ...(username !== undefined && { username }),
      ...(query.q && { namePrefix: query.q }),
      ...(query.cursor !== undefined && { after: decodeRecordCursor(query.cursor) }),
      ...(query.page !== undefined && { offset: (query.page - 1) * query.limit }),
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toRecordView),
      total,
      limit: query.limit,
      // Everyone's records (an admin's list) count against no one quota: the server's is shown.
      quota:
        username === undefined
          ? this.config.recordQuota
          : await this.records.quotaOf(username, this.config.recordQuota),
      nextCursor: rows.length > query.limit && last ? encodeRecordCursor(last) : null,
    };
  }

  /**
   * Commits the new row (and, with an Idempotency-Key, its stored answer), or answers why not:
   * a replay for a retried request, a 409 for a taken name or a full quota. A create that
   * collided with a concurrent one of the same user runs again and then sees that one's row.
   */
  private async saveNewRecord(
    principal: Principal,
    record: DnsRecordEntity,
    idempotent: IdempotentRequest | undefined,
  ): Promise<WriteResult | undefined> {
    try {
      return await retryWriteCollisions(
        () => this.insertNewRecord(principal, record, idempotent),
        CREATE_RETRIES,
      );
    } catch (error) {
      if (isDuplicateKey(error)) throw duplicateOf(record.type, record.fqdn);
      if (error instanceof WriteContentionError)
        throw new ServiceUnavailableError(
          'Other changes to your records are being saved at the same moment; try again.',
          1,
        );
      throw error;
    }
  }

  private async insertNewRecord(
    principal: Principal,
    record: DnsRecordEntity,
    idempotent: IdempotentRequest | undefined,
  ): Promise<WriteResult | undefined> {
    // One statement in autocommit: its locks last no longer than the statement.
    if (!idempotent) return this.insertOrExplain(record);
    return this.dataSource.transaction(async (manager) => {
      const stored = await this.idempotency.find(manager, idempotent);
      if (stored) return replay(stored);
      // A row with this request's derived id that an earlier attempt left behind (its flow
      // wrote it, or its answer was lost): that row is this request's answer.
      const written = await this.records.findById(record.id, manager);
      if (written && written.username === principal.username) {
        const view = toRecordView(written);
        await this.idempotency.save(manager, idempotent, { statusCode: ACCEPTED, body: view });
        return { statusCode: ACCEPTED, body: view, replayed: true };
      }
      await this.insertOrExplain(record, manager);
      const body = toRecordView(record);
      await this.idempotency.save(manager, idempotent, { statusCode: ACCEPTED, body });
      return undefined;
    });
  }

  /** Inserts the row, or throws the reason the checks refused it. */
  private async insertOrExplain(
    record: DnsRecordEntity,
    manager?: EntityManager,
  ): Promise<undefined> {
    // What the workers last learned from Route 53 (one Redis GET): a full zone costs no flow.
    const full = await this.zoneCapacity.full();
    if (full) throw new ZoneFullError(full.count, full.max);
    const refusal = await this.records.insertIfRoom(record, this.config.recordQuota, manager);
    if (refusal) throw this.explain(refusal, record);
    return undefined;
  }

  private explain(refusal: InsertRefusal, record: DnsRecordEntity): Error {
    if (refusal.reason === 'quota') return new QuotaExceededError(refusal.quota);
    const { types } = refusal;
    if (types.includes(record.type)) return duplicateOf(record.type, record.fqdn);
    if (record.type === 'CNAME')
      return new RecordConflictError(
        `${record.fqdn} already has ${types.join(', ')} records; a CNAME cannot share its name with any other record.`,
        'type',
      );
    return new RecordConflictError(
      `${record.fqdn} has a CNAME record; no other record can share its name.`,
      'type',
    );
  }

  /**
   * Takes back a committed create whose flow Redis refused (and its stored answer). Not when a
   * retry of the same request was answered from the stored answer meanwhile (a client that gave
   * up waiting for this one): that client holds a 202, so the row stays, pending without a flow,
   * and the reconciler starts its flow once the grace period is over.
   */
  private async undoCreate(
    record: DnsRecordEntity,
    idempotent: IdempotentRequest | undefined,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (idempotent && !(await this.idempotency.forgetUnreplayed(manager, idempotent))) return;
      await this.records.deleteUnstartedCreate(record.id, manager);
    });
  }

  /**
   * Moves the record from one of the `from` statuses to its next version and flow, unless another
   * change got there first, and adds that flow; when Redis refuses it, the record is put back as
   * it was.
   */
  private async claimAndStart(
    op: FlowOp,
    record: DnsRecordEntity,
    changes: Partial<DnsRecordEntity>,
    from: readonly RecordStatus[] = SETTLED_STATUSES,
  ): Promise<DnsRecordEntity> {
    const version = record.version + 1;
    const claimed = await this.records.claim(record, from, {
      ...changes,
      statusReason: null,
      version,
      flowId: flowIdFor({ op, recordId: record.id, version }),
    });
    if (!claimed)
      throw new RecordBusyError(
        'Another change to this record was accepted a moment ago; reload it and try again.',
      );
    await this.flowStarter.start({
      producer: this.flows,
      add: () => this.flows.start(op, claimed, { mayExist: false }),
      undo: () => this.records.restore(record, version),
      subject: { op, recordId: record.id },
      notDone: 'changed',
    });
    return claimed;
  }

  private applyPatch(record: DnsRecordEntity, patch: UpdateRecordInput): Partial<DnsRecordEntity> {
    const errors: FieldError[] = [];
    const changes: Partial<DnsRecordEntity> = {};
    if (patch.value !== undefined) {
      const value = checkValue(record.type, patch.value);
      if (!value.ok) errors.push({ field: 'value', message: value.message });
      else if (record.type === 'CNAME' && value.value === record.fqdn) {
        errors.push({ field: 'value', message: 'a CNAME cannot point at its own name' });
      } else changes.value = value.value;
    }
    for (const field of ['priority', 'weight', 'port'] as const) {
      const given = patch[field];
      if (given === undefined) continue;
      const problem = numberFieldIssue(field, record.type, true);
      if (problem) errors.push({ field, message: problem });
      else changes[field] = given;
    }
    if (patch.ttl !== undefined) changes.ttl = patch.ttl;
    if (errors.length > 0) throw new InvalidInputError(errors);
    return changes;
  }
}

function replay(stored: StoredResponse): WriteResult {
  return {
    statusCode: stored.statusCode,
    body: recordViewSchema.parse(stored.body),
    replayed: true,
  };
}

function assertSettled(record: DnsRecordEntity): void {
  if (record.status === 'pending') {
    throw new RecordBusyError(
      'The record is still being provisioned (status pending). Wait until it is active or error (follow GET /api/v1/records/{id}/events), then try again.',
    );
  }
  if (record.status === 'deleting') {
    throw new RecordBusyError('The record is being deleted; it cannot be changed any more.');
  }
}

function duplicateOf(type: DnsRecordType, fqdn: string): RecordConflictError {
  return new RecordConflictError(
    `${fqdn} already has a record of type ${type}; change that record instead of adding another.`,
  );
}
