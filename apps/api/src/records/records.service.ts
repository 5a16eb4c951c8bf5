import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DNS_QUEUES,
  DnsFlowService,
  type FlowOp,
  type FlowStep,
  flowJobIds,
} from '@starchart/dns-flow';
import { DnsRecordEntity, type DnsRecordType } from '@starchart/persistence';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, In, QueryFailedError, Repository } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { withTimeout } from '../common/with-timeout';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import {
  type FieldError,
  ForbiddenError,
  InvalidInputError,
  QuotaExceededError,
  RecordBusyError,
  RecordConflictError,
  RecordNotFoundError,
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
// Adding a flow is a few Redis round trips; far longer means Redis is in trouble.
const FLOW_START_TIMEOUT_MS = 5_000;
// Seconds to wait for another request of the same user to finish its create.
const USER_LOCK_TIMEOUT_S = 5;

@Injectable()
export class RecordsService {
  private readonly logger = new Logger(RecordsService.name);

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
    });
    try {
      return await this.withUserLock(principal.username, async (manager) => {
        // Looked up under the lock: a retry that raced the first request waits for it, then replays it.
        const stored = idempotent && (await this.idempotency.find(manager, idempotent));
        if (stored) return replay(stored);
        // The first attempt added its flow, then failed to commit (the database went away): the
        // flow's add-db-record step wrote the row anyway. That row is this request's answer.
        const written = idempotent && (await manager.findOneBy(DnsRecordEntity, { id }));
        if (idempotent && written && written.username === principal.username) {
          const view = toRecordView(written);
          await this.idempotency.save(manager, idempotent, { statusCode: ACCEPTED, body: view });
          return { statusCode: ACCEPTED, body: view, replayed: true };
        }
        await this.assertRoomFor(manager, record);
        // The insert reads the database's timestamps back into `record`: no second SELECT.
        await manager.insert(DnsRecordEntity, record);
        const view = toRecordView(record);
        // Stored before the flow starts: if a concurrent retry won the key, nothing was enqueued.
        if (idempotent)
          await this.idempotency.save(manager, idempotent, { statusCode: ACCEPTED, body: view });
        await this.startFlow('create', record);
        return { statusCode: ACCEPTED, body: view, replayed: false };
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // The unique index caught what the locked checks could not see (a row the worker wrote).
      throw duplicateOf(input.type, fqdn);
    }
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

  /** Quota and the rules about sharing a name, checked under the user's lock. */
  private async assertRoomFor(manager: EntityManager, record: DnsRecordEntity): Promise<void> {
    // One round trip for both checks: this runs under the user's lock on every create.
    const { tableName } = manager.getRepository(DnsRecordEntity).metadata;
    const [room] = await manager.query<{ owned: number | string; types: string | null }[]>(
      `SELECT (SELECT COUNT(*) FROM \`${tableName}\` WHERE username = ?) AS owned,
              (SELECT GROUP_CONCAT(type) FROM \`${tableName}\` WHERE fqdn = ?) AS types`,
      [record.username, record.fqdn],
    );
    const owned = Number(room?.owned ?? 0);
    if (owned >= this.config.recordQuota) throw new QuotaExceededError(this.config.recordQuota);
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

  /** Runs inside the caller's transaction: a queue failure rolls the whole change back. */
  private async startFlow(op: FlowOp, record: DnsRecordEntity): Promise<void> {
    try {
      // BullMQ waits for a lost connection instead of failing; a ping fails at once, so an
      // unreachable Redis is refused before any job could be queued for later.
      await this.flows.ping();
      await withTimeout(this.flows.start(op, record), FLOW_START_TIMEOUT_MS, 'adding the flow');
    } catch (error) {
      this.logger.error({ msg: 'adding the flow failed', op, recordId: record.id, error });
      throw new ServiceUnavailableError(
        'The job queue cannot be reached right now, so nothing was changed. Try again in a few seconds.',
      );
    }
  }

  /**
   * InnoDB cannot lock rows that do not exist yet, so two creates of one user could both pass
   * the quota and CNAME checks; a named lock per user serialises them.
   */
  private async withUserLock<T>(
    username: string,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const lockName = `starchart_records_${username}`;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = await runner.manager.query<{ acquired: number | null }[]>(
        'SELECT GET_LOCK(?, ?) AS acquired',
        [lockName, USER_LOCK_TIMEOUT_S],
      );
      if (lock?.acquired !== 1) {
        throw new ServiceUnavailableError(
          'Another change to your records is still being saved; try again.',
          1,
        );
      }
      try {
        await runner.startTransaction();
        try {
          const result = await work(runner.manager);
          await runner.commitTransaction();
          return result;
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
      } finally {
        // Released only after the commit, so the next holder sees this request's row.
        await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
      }
    } finally {
      await runner.release();
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

function isDuplicateKey(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    'code' in error.driverError &&
    error.driverError.code === 'ER_DUP_ENTRY'
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
