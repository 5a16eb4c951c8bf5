import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DNS_QUEUES,
  DnsFlowService,
  type FlowOp,
  type FlowStep,
  flowJobIds,
  parseFlowId,
} from '@starchart/dns-flow';
import { DnsRecordEntity, type DnsRecordType, UserEntity } from '@starchart/persistence';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, In, QueryFailedError, Repository } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { TimeoutError, withTimeout } from '../common/with-timeout';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import {
  type FieldError,
  ForbiddenError,
  InvalidInputError,
  QuotaExceededError,
  RecordBusyError,
  RecordConflictError,
  RecordNotFoundError,
  RecordNotInErrorError,
  ServiceUnavailableError,
} from '../problems/api-errors';
import { type IdempotentRequest, IdempotencyStore, type StoredResponse } from './idempotency.store';
import { checkFqdnLength, checkRelativeName, checkValue, toFqdn } from './record-rules';
import {
  type CreateRecordInput,
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
  nextCursor: string | null;
}

const ACCEPTED = 202;
// Statuses in which no flow is running, so a new change may start one.
const SETTLED_STATUSES = ['active', 'error'] as const;
// A create that lost a race with another of the same user runs its checks again, this often,
// after a random pause of up to this many milliseconds times the attempt.
const CREATE_ATTEMPTS = 5;
const RETRY_JITTER_MS = 20;

@Injectable()
export class RecordsService {
  private readonly logger = new Logger(RecordsService.name);
  private insertIfRoomSql: string | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly dataSource: DataSource,
    @InjectRepository(DnsRecordEntity) private readonly records: Repository<DnsRecordEntity>,
    private readonly flows: DnsFlowService,
    private readonly idempotency: IdempotencyStore,
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

    const id = idempotent ? idempotentRecordId(idempotent) : randomUUID();
    // Set here rather than by the database, so the answer needs no second read of the row.
    const now = new Date();
    const record = this.records.create({
      id,
      username: principal.username,
      name: input.name,
      fqdn,
      type: input.type,
      value: input.value,
      priority: input.priority ?? null,
      ttl: input.ttl,
      status: 'pending',
      statusReason: null,
      version: 1,
      flowId: flowIdOf('create', id, 1),
      changeId: null,
      createdAt: now,
      updatedAt: now,
    });
    const replayed = await this.saveNewRecord(principal, record, idempotent);
    if (replayed) return replayed;
    // The row is committed before its flow is added, so no step can find it missing; if the
    // flow cannot be added, the row (and its stored answer) are taken back.
    try {
      // A fresh random id cannot have a flow yet; a derived one may (a retried request).
      await this.startFlow('create', record, { mayExist: idempotent !== undefined });
    } catch (error) {
      // Redis answered too late to know: the flow may still land, so the row is not taken
      // back (a 503 would be untrue if it did). It stays pending either way, and the
      // reconciler starts its flow if it never arrives.
      if (!(error instanceof FlowStartUnconfirmedError)) {
        await this.undoCreate(record, idempotent);
        throw error;
      }
    }
    return { statusCode: ACCEPTED, body: toRecordView(record), replayed: false };
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
    for (let attempt = 1; ; attempt++) {
      try {
        if (!idempotent) {
          // One statement in autocommit: its locks last no longer than the statement.
          await this.insertOrExplain(this.dataSource.manager, record);
          return undefined;
        }
        return await this.dataSource.transaction(async (manager) => {
          const stored = await this.idempotency.find(manager, idempotent);
          if (stored) return replay(stored);
          // A row with this request's derived id that an earlier attempt left behind (its flow
          // wrote it, or its answer was lost): that row is this request's answer.
          const written = await manager.findOneBy(DnsRecordEntity, { id: record.id });
          if (written && written.username === principal.username) {
            const view = toRecordView(written);
            await this.idempotency.save(manager, idempotent, { statusCode: ACCEPTED, body: view });
            return { statusCode: ACCEPTED, body: view, replayed: true };
          }
          await this.insertOrExplain(manager, record);
          const body = toRecordView(record);
          await this.idempotency.save(manager, idempotent, { statusCode: ACCEPTED, body });
          return undefined;
        });
      } catch (error) {
        if (attempt < CREATE_ATTEMPTS && isConcurrentWrite(error)) {
          await sleep(Math.random() * RETRY_JITTER_MS * attempt);
          continue;
        }
        if (isDuplicateKey(error)) throw duplicateOf(record.type, record.fqdn);
        if (isConcurrentWrite(error) || driverErrorCode(error) === 'ER_LOCK_WAIT_TIMEOUT') {
          throw new ServiceUnavailableError(
            'Other changes to your records are being saved at the same moment; try again.',
            1,
          );
        }
        throw error;
      }
    }
  }

  /** Inserts the row, or throws the reason the checks refused it. */
  private async insertOrExplain(manager: EntityManager, record: DnsRecordEntity): Promise<void> {
    if (await this.insertIfRoom(manager, record)) return;
    await this.assertRoomFor(manager, record);
    // The checks pass now: whatever refused the insert was rolled back meanwhile.
    throw new ConcurrentCreateError();
  }

  /** Takes back a committed create whose flow could not be added; the reconciler covers a failure. */
  private async undoCreate(
    record: DnsRecordEntity,
    idempotent: IdempotentRequest | undefined,
  ): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        if (idempotent) await this.idempotency.forget(manager, idempotent);
        await manager.delete(DnsRecordEntity, { id: record.id, version: 1, status: 'pending' });
      });
    } catch (error) {
      // The database went away too: the row stays pending without a flow, and the reconciler
      // starts its flow once its grace period is over.
      this.logger.error({ msg: 'taking back a create failed', recordId: record.id, error });
    }
  }

  /**
   * Inserts the row only if the user is under the quota and no record of the name conflicts
   * with it (same type, or a CNAME on either side), all in one statement. Its reads are locking
   * reads (InnoDB takes shared next-key locks for INSERT ... SELECT), so two creates of one
   * user are serialised by the rows and gaps they read: the second waits for the first to
   * commit and then counts its row, or InnoDB picks one as a deadlock victim, which is retried.
   * Creates of users next to each other in the username index can collide the same way.
   * Returns false when a check refused the row; the caller then finds out which.
   */
  private async insertIfRoom(manager: EntityManager, record: DnsRecordEntity): Promise<boolean> {
    const { metadata } = manager.getRepository(DnsRecordEntity);
    const { driver } = manager.connection;
    // The statement depends only on the entity's columns: built on the first create, not each.
    this.insertIfRoomSql ??= conditionalInsertSql(
      metadata.tableName,
      manager.getRepository(UserEntity).metadata.tableName,
      metadata.columns.map((column) => column.databaseName),
    );
    const values = metadata.columns.map((column) =>
      driver.preparePersistentValue(column.getEntityValue(record), column),
    );
    const result = await manager.query<{ affectedRows: number }>(this.insertIfRoomSql, [
      ...values,
      record.username,
      record.username,
      this.config.recordQuota,
      record.fqdn,
      record.type,
      record.type,
    ]);
    return result.affectedRows === 1;
  }

  async update(principal: Principal, id: string, patch: UpdateRecordInput): Promise<WriteResult> {
    const record = await this.findVisible(principal, id);
    assertSettled(record);
    const changes = this.applyPatch(record, patch);
    const view = await this.dataSource.transaction(async (manager) => {
      const updated = await this.claimVersion(manager, 'update', record, {
        ...changes,
        status: 'pending',
      });
      await this.startFlow('update', updated);
      return toRecordView(updated);
    });
    return { statusCode: ACCEPTED, body: view, replayed: false };
  }

  async remove(principal: Principal, id: string): Promise<WriteResult> {
    const record = await this.findVisible(principal, id);
    assertSettled(record);
    const view = await this.dataSource.transaction(async (manager) => {
      const deleting = await this.claimVersion(manager, 'delete', record, { status: 'deleting' });
      await this.startFlow('delete', deleting);
      return toRecordView(deleting);
    });
    return { statusCode: ACCEPTED, body: view, replayed: false };
  }

  /**
   * An admin's retry of a record in error: the operation of its failed flow (create, update or
   * delete) runs again as a new version, so every step starts afresh.
   */
  async retry(id: string): Promise<RecordView> {
    const record = await this.records.findOneBy({ id });
    if (!record) throw new RecordNotFoundError(id);
    if (record.status !== 'error') throw new RecordNotInErrorError(record.status);
    const op = (record.flowId ? parseFlowId(record.flowId)?.op : undefined) ?? 'update';
    return this.dataSource.transaction(async (manager) => {
      const retried = await this.claimVersion(manager, op, record, {
        status: op === 'delete' ? 'deleting' : 'pending',
      });
      await this.startFlow(op, retried);
      return toRecordView(retried);
    });
  }

  /** The record if the caller may see it; someone else's record is reported as missing. */
  async findVisible(principal: Principal, id: string): Promise<DnsRecordEntity> {
    const record = await this.records.findOneBy(
      principal.isAdmin ? { id } : { id, username: principal.username },
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
    const base = this.records.createQueryBuilder('record');
    if (username !== undefined) base.where('record.username = :username', { username });
    const total = await base.getCount();

    const rows = base.clone();
    if (query.cursor !== undefined) {
      const [fqdn, type] = decodeCursor(query.cursor);
      rows.andWhere('(record.fqdn > :fqdn OR (record.fqdn = :fqdn AND record.type > :type))', {
        fqdn,
        type,
      });
    }
    // (fqdn, type) is unique, so it pages without gaps or repeats while records come and go.
    rows
      .orderBy('record.fqdn', 'ASC')
      .addOrderBy('record.type', 'ASC')
      .take(query.limit + 1);
    if (query.page !== undefined) rows.skip((query.page - 1) * query.limit);
    const found = await rows.getMany();
    const items = found.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toRecordView),
      total,
      limit: query.limit,
      nextCursor: found.length > query.limit && last ? encodeCursor(last.fqdn, last.type) : null,
    };
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
    if (patch.priority !== undefined) {
      if (record.type !== 'MX')
        errors.push({ field: 'priority', message: 'is only allowed on MX records' });
      else changes.priority = patch.priority;
    }
    if (patch.ttl !== undefined) changes.ttl = patch.ttl;
    if (errors.length > 0) throw new InvalidInputError(errors);
    return changes;
  }

  /** Why insertIfRoom refused the row: the quota, or a record the name cannot share. */
  private async assertRoomFor(manager: EntityManager, record: DnsRecordEntity): Promise<void> {
    const { tableName } = manager.getRepository(DnsRecordEntity).metadata;
    const users = manager.getRepository(UserEntity).metadata.tableName;
    const [room] = await manager.query<
      { owned: number | string; types: string | null; quota: number | null }[]
    >(
      `SELECT (SELECT COUNT(*) FROM \`${tableName}\` WHERE username = ?) AS owned,
              (SELECT GROUP_CONCAT(type) FROM \`${tableName}\` WHERE fqdn = ?) AS types,
              (SELECT quota_override FROM \`${users}\` WHERE username = ?) AS quota`,
      [record.username, record.fqdn, record.username],
    );
    const owned = Number(room?.owned ?? 0);
    const quota = room?.quota ?? this.config.recordQuota;
    if (owned >= quota) throw new QuotaExceededError(quota);
    const types = room?.types ? room.types.split(',') : [];
    if (types.includes(record.type)) throw duplicateOf(record.type, record.fqdn);
    if (record.type === 'CNAME' && types.length > 0) {
      throw new RecordConflictError(
        `${record.fqdn} already has ${types.join(', ')} records; a CNAME cannot share its name with any other record.`,
        'type',
      );
    }
    if (types.includes('CNAME')) {
      throw new RecordConflictError(
        `${record.fqdn} has a CNAME record; no other record can share its name.`,
        'type',
      );
    }
  }

  /** Moves the record to its next version and flow, unless another change got there first. */
  private async claimVersion(
    manager: EntityManager,
    op: FlowOp,
    record: DnsRecordEntity,
    changes: Partial<DnsRecordEntity>,
  ): Promise<DnsRecordEntity> {
    const version = record.version + 1;
    const result = await manager.update(
      DnsRecordEntity,
      { id: record.id, version: record.version, status: In([...SETTLED_STATUSES]) },
      { ...changes, statusReason: null, version, flowId: flowIdOf(op, record.id, version) },
    );
    if (result.affected !== 1) {
      throw new RecordBusyError(
        'Another change to this record was accepted a moment ago; reload it and try again.',
      );
    }
    return manager.findOneByOrFail(DnsRecordEntity, { id: record.id });
  }

  /**
   * Adds the flow or throws 503. Updates and deletes call it inside their transaction, so a
   * queue failure rolls the change back (a flow that lands late finds the row still at the
   * old version, and its steps wait for a version that was never committed); a create takes
   * its committed row back itself, unless the add timed out.
   */
  private async startFlow(
    op: FlowOp,
    record: DnsRecordEntity,
    { mayExist }: { mayExist: boolean } = { mayExist: false },
  ): Promise<void> {
    try {
      // BullMQ waits for a lost connection instead of failing; a ping fails at once, so an
      // unreachable Redis is refused before any job could be queued for later.
      await this.flows.ensureConnected();
      await withTimeout(
        this.flows.start(op, record, { mayExist }),
        this.config.flowStartTimeoutMs,
        'adding the flow',
      );
    } catch (error) {
      this.logger.error({ msg: 'adding the flow failed', op, recordId: record.id, error });
      const detail =
        'The job queue cannot be reached right now, so nothing was changed. Try again in a few seconds.';
      throw error instanceof TimeoutError
        ? new FlowStartUnconfirmedError(detail)
        : new ServiceUnavailableError(detail);
    }
  }
}

/**
 * The root job id that start() gives the flow: a function of op, record and version, so the row
 * is written with its flowId in the same statement that claims the version.
 */
function flowIdOf(op: FlowOp, recordId: string, version: number): string {
  return flowJobIds({ op, recordId, version })[DNS_QUEUES.syncDbStatus];
}

/**
 * INSERT of one row (a placeholder per column) that happens only while its user is under their
 * quota (an admin's override, else the server's) and no record of its name conflicts with it;
 * then: username, username, server quota, fqdn, type, type.
 */
function conditionalInsertSql(table: string, users: string, columns: readonly string[]): string {
  return `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')})
       SELECT ${columns.map(() => '?').join(', ')} FROM DUAL
       WHERE (SELECT COUNT(*) FROM \`${table}\` WHERE username = ?)
             < COALESCE((SELECT quota_override FROM \`${users}\` WHERE username = ?), ?)
         AND NOT EXISTS (SELECT 1 FROM \`${table}\`
                         WHERE fqdn = ? AND (type = ? OR type = 'CNAME' OR ? = 'CNAME'))`;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Adding the flow timed out: it may or may not have reached Redis. */
class FlowStartUnconfirmedError extends ServiceUnavailableError {}

/** Thrown when insertIfRoom refused a row that the checks, run right after, let through. */
class ConcurrentCreateError extends Error {}

function driverErrorCode(error: unknown): unknown {
  return error instanceof QueryFailedError && 'code' in error.driverError
    ? error.driverError.code
    : undefined;
}

function isDuplicateKey(error: unknown): boolean {
  return driverErrorCode(error) === 'ER_DUP_ENTRY';
}

/** A create that collided with a concurrent one; running it again gives the right answer. */
function isConcurrentWrite(error: unknown): boolean {
  const code = driverErrorCode(error);
  return (
    error instanceof ConcurrentCreateError || code === 'ER_DUP_ENTRY' || code === 'ER_LOCK_DEADLOCK'
  );
}

const cursorSchema = z.tuple([z.string(), z.string()]);

function encodeCursor(fqdn: string, type: DnsRecordType): string {
  return Buffer.from(JSON.stringify([fqdn, type])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = cursorSchema.safeParse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    if (decoded.success) return decoded.data;
  } catch {
    // Not JSON: the same answer as a well-formed but foreign cursor.
  }
  throw new InvalidInputError([
    { field: 'cursor', message: 'is not a cursor this api handed out' },
  ]);
}

/**
 * A retried request with the same key and body gets the same record id, so that a retry can
 * recognise the row its first attempt's flow wrote. Formatted as an RFC 9562 version 8 UUID.
 */
function idempotentRecordId({ username, key, requestHash }: IdempotentRequest): string {
  const hex = createHash('sha256').update(`${username}\n${key}\n${requestHash}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
