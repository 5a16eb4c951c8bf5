import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, LessThanOrEqual, type Repository } from 'typeorm';
import { databaseNow } from '../database-clock';
import {
  DNS_RECORD_TYPES,
  DnsRecordEntity,
  type DnsRecordType,
  MAX_STATUS_REASON_LENGTH,
  type RecordStatus,
} from '../entities/dns-record.entity';
import { UserEntity } from '../entities/user.entity';
import { isDuplicateKey, WriteCollisionError } from '../write-errors';

/** Why insertIfRoom left a row out. */
export type InsertRefusal =
  /** The user owns `quota` records already: an admin's override, else the server's. */
  | { reason: 'quota'; quota: number }
  /** Records of these types have the name, and one of them cannot share it with the new one. */
  | { reason: 'name-taken'; types: DnsRecordType[] };

/** A record's place in name order: (fqdn, type) is unique. */
export interface RecordNameKey {
  fqdn: string;
  type: string;
}

export interface RecordListFilter {
  /** One user's records; undefined lists everyone's. */
  username?: string;
  /** Only records whose full name starts with this text, taken literally. */
  namePrefix?: string;
  /** Rows after this one in name order (keyset paging). */
  after?: RecordNameKey;
  /** Rows to skip (page numbers). */
  offset?: number;
  limit: number;
}

/** The columns a claim may change, and a restore puts back. */
type ClaimableColumns = Pick<
  DnsRecordEntity,
  | 'value'
  | 'priority'
  | 'weight'
  | 'port'
  | 'ttl'
  | 'status'
  | 'statusReason'
  | 'version'
  | 'flowId'
  | 'changeId'
  | 'expiresAt'
  | 'expiryWarnedDays'
>;

/** What a flow's first step writes when the api's row of a create is not there: the job's record. */
export type FlowRecord = Pick<
  DnsRecordEntity,
  | 'id'
  | 'username'
  | 'name'
  | 'fqdn'
  | 'type'
  | 'value'
  | 'priority'
  | 'weight'
  | 'port'
  | 'ttl'
  | 'version'
  | 'flowId'
>;

/** Statuses in which no flow runs: an expired record in one of them can be removed. */
const EXPIRABLE_STATUSES: readonly RecordStatus[] = ['active', 'error'];

/**
 * The queries of `dns_records` that the api and the record flows run: the api's conditional
 * inserts, version claims and name-ordered pages, the flow steps' writes (conditional on id and
 * version), the expiry run's and the reconciler's reads. The admin console's are
 * AdminRecordsRepository's, the operators' metrics' record-health.ts's.
 */
@Injectable()
export class DnsRecordsRepository {
  private insertIfRoomSql: string | undefined;

  constructor(
    @InjectRepository(DnsRecordEntity) private readonly records: Repository<DnsRecordEntity>,
  ) {}

  /**
   * Inserts the row only while its user owns fewer records than their quota (an admin's
   * override in `users`, else `quota`, the server's) and no record of its
   * name conflicts with it (the same type, or a CNAME on either side), all in one statement, and
   * otherwise answers why not. Its reads are locking reads (InnoDB takes shared next-key locks
   * for INSERT ... SELECT), so two creates of one user are serialised by the rows and gaps they
   * read: the second waits for the first to commit and then counts its row, or InnoDB picks one
   * as a deadlock victim. Creates of users next to each other in the username index can collide
   * the same way. Throws WriteCollisionError when the refusal has no reason once read again.
   * Runs on `manager` (the caller's transaction), or on its own in autocommit.
   */
  async insertIfRoom(
    record: DnsRecordEntity,
    quota: number,
    manager: EntityManager = this.records.manager,
  ): Promise<InsertRefusal | undefined> {
    if (await this.conditionalInsert(manager, record, quota)) return undefined;
    const { tableName } = this.records.metadata;
    const users = manager.getRepository(UserEntity).metadata.tableName;
    const [room] = await manager.query<
      { owned: number | string; types: string | null; quota: number | null }[]
    >(
      `SELECT (SELECT COUNT(*) FROM \`${tableName}\` WHERE username = ?) AS owned,
              (SELECT GROUP_CONCAT(type) FROM \`${tableName}\` WHERE fqdn = ?) AS types,
              (SELECT quota_override FROM \`${users}\` WHERE username = ?) AS quota`,
      [record.username, record.fqdn, record.username],
    );
    const userQuota = room?.quota ?? quota;
    if (Number(room?.owned ?? 0) >= userQuota) return { reason: 'quota', quota: userQuota };
    const types = (room?.types ? room.types.split(',') : []).filter(isRecordType);
    const conflicting = types.some(
      (type) => type === record.type || type === 'CNAME' || record.type === 'CNAME',
    );
    if (conflicting) return { reason: 'name-taken', types };
    throw new WriteCollisionError();
  }

  findById(
    id: string,
    manager: EntityManager = this.records.manager,
  ): Promise<DnsRecordEntity | null> {
    return manager.findOneBy(DnsRecordEntity, { id });
  }

  /** The record, if `username` owns it; any record for undefined (an admin). */
  findVisible(id: string, username: string | undefined): Promise<DnsRecordEntity | null> {
    return this.records.findOneBy(username === undefined ? { id } : { id, username });
  }

  /**
   * Moves the record from the version in `record` to `changes` in one autocommit statement,
   * while it is still at that version and in one of the `from` statuses. Returns the record as
   * now stored, or undefined when another change got there first.
   */
  async claim(
    record: DnsRecordEntity,
    from: readonly RecordStatus[],
    changes: Partial<ClaimableColumns>,
  ): Promise<DnsRecordEntity | undefined> {
    const { affected } = await this.records.update(
      { id: record.id, version: record.version, status: In([...from]) },
      changes,
    );
    if (affected !== 1) return undefined;
    return this.records.findOneByOrFail({ id: record.id });
  }

  /**
   * Like claim, for the expiry run: only while the record is still past its expiry at `now` (a
   * renew that got there first wins) and settled.
   */
  async claimExpired(
    record: DnsRecordEntity,
    now: Date,
    changes: Partial<ClaimableColumns>,
  ): Promise<DnsRecordEntity | undefined> {
    const { affected } = await this.records.update(
      {
        id: record.id,
        version: record.version,
        status: In([...EXPIRABLE_STATUSES]),
        expiresAt: LessThanOrEqual(now),
      },
      changes,
    );
    if (affected !== 1) return undefined;
    return this.records.findOneByOrFail({ id: record.id });
  }

  /** Puts a claimed record back as it was before the claim, unless it moved on from `claimedVersion`. */
  async restore(before: DnsRecordEntity, claimedVersion: number): Promise<boolean> {
    const { value, priority, ttl, status, statusReason, version, flowId, changeId } = before;
    const { weight, port, expiresAt, expiryWarnedDays } = before;
    const { affected } = await this.records.update(
      { id: before.id, version: claimedVersion },
      {
        ...{ value, priority, ttl, status, statusReason, version, flowId, changeId },
        ...{ weight, port, expiresAt, expiryWarnedDays },
      },
    );
    return affected === 1;
  }

  /**
   * Moves the record's expiry to `expiresAt` and forgets the warnings sent for the old one,
   * unless it is being deleted (or gone). Returns the record as now stored, or undefined.
   */
  async renew(record: DnsRecordEntity, expiresAt: Date): Promise<DnsRecordEntity | undefined> {
    const { affected } = await this.records.update(
      { id: record.id, status: In(['pending', 'active', 'error']) },
      { expiresAt, expiryWarnedDays: null },
    );
    if (affected !== 1) return undefined;
    return this.records.findOneByOrFail({ id: record.id });
  }

  /** Settled records past their expiry at `now`, the longest expired first. */
  findExpired(now: Date, limit: number): Promise<DnsRecordEntity[]> {
    return this.records.find({
      where: { status: In([...EXPIRABLE_STATUSES]), expiresAt: LessThanOrEqual(now) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Settled or pending records expiring by `horizon` (not yet expired at `now`) whose owner has
   * not yet been warned `days` (or fewer) days ahead for their current expiry date.
   */
  findToWarn(now: Date, horizon: Date, days: number, limit: number): Promise<DnsRecordEntity[]> {
    return this.records
      .createQueryBuilder('record')
      .where('record.expires_at > :now AND record.expires_at <= :horizon', { now, horizon })
      .andWhere("record.status IN ('pending', 'active', 'error')")
      .andWhere('(record.expiry_warned_days IS NULL OR record.expiry_warned_days > :days)', {
        days,
      })
      .orderBy('record.expires_at', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Remembers that the `days` warning went out for this expiry date (not if it was renewed since). */
  async markWarned(record: DnsRecordEntity, days: number): Promise<void> {
    await this.records.update(
      { id: record.id, expiresAt: record.expiresAt },
      { expiryWarnedDays: days },
    );
  }

  /** Deletes a created record that no flow has touched yet (version 1, still pending). */
  async deleteUnstartedCreate(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(DnsRecordEntity, { id, version: 1, status: 'pending' });
  }

  /**
   * Records in name order, one more than `limit` to tell the caller a next page exists, and the
   * count of all that match. (fqdn, type) is unique, so keyset pages have no gaps or repeats
   * while records come and go.
   */
  async page(filter: RecordListFilter): Promise<{ rows: DnsRecordEntity[]; total: number }> {
    const base = this.records.createQueryBuilder('record');
    if (filter.username !== undefined)
      base.where('record.username = :username', { username: filter.username });
    // A range of the (username, fqdn, type) index, or of (fqdn, type) across users.
    if (filter.namePrefix)
      base.andWhere('record.fqdn LIKE :prefix', { prefix: `${escapeLike(filter.namePrefix)}%` });
    const total = await base.getCount();
    const rows = base.clone();
    if (filter.after !== undefined)
      rows.andWhere('(record.fqdn > :fqdn OR (record.fqdn = :fqdn AND record.type > :type))', {
        fqdn: filter.after.fqdn,
        type: filter.after.type,
      });
    rows
      .orderBy('record.fqdn', 'ASC')
      .addOrderBy('record.type', 'ASC')
      .take(filter.limit + 1);
    if (filter.offset !== undefined) rows.skip(filter.offset);
    return { rows: await rows.getMany(), total };
  }

  /** The most records `username` may own: an admin's override, else `serverQuota`. */
  async quotaOf(username: string, serverQuota: number): Promise<number> {
    const user = await this.records.manager
      .getRepository(UserEntity)
      .findOne({ where: { username }, select: { username: true, quotaOverride: true } });
    return user?.quotaOverride ?? serverQuota;
  }

  /**
   * The record's row pending at the flow's version, from the flow's own job: false when a row
   * with its id or its name and type exists (the api's insert, or a record that took the name).
   */
  async insertPending(record: FlowRecord): Promise<boolean> {
    try {
      await this.records.insert({
        ...record,
        status: 'pending',
        statusReason: null,
        changeId: null,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** A delete flow's first step: the row at `version` in status deleting, without a reason. */
  async markDeleting(id: string, version: number): Promise<void> {
    await this.records.update({ id, version }, { status: 'deleting', statusReason: null });
  }

  /** A flow's end: the row at `version` active with Route 53's change; false if not at it. */
  async markActive(id: string, version: number, changeId: string | null): Promise<boolean> {
    const { affected } = await this.records.update(
      { id, version },
      { status: 'active', statusReason: null, changeId },
    );
    return Boolean(affected);
  }

  /** A flow's end: the row at `version` in error with the reason (cut to fit); false if not at it. */
  async markError(id: string, version: number, reason: string): Promise<boolean> {
    const { affected } = await this.records.update(
      { id, version },
      { status: 'error', statusReason: reason.slice(0, MAX_STATUS_REASON_LENGTH) },
    );
    return Boolean(affected);
  }

  /** A delete flow's end: the row removed while at `version`; false if not at it. */
  async removeAtVersion(id: string, version: number): Promise<boolean> {
    const { affected } = await this.records.delete({ id, version });
    return Boolean(affected);
  }

  /** Every record: the reconciler compares them all with the zone. */
  findAll(): Promise<DnsRecordEntity[]> {
    return this.records.find();
  }

  /** The names and types that records hold now among `fqdns`. */
  findNameKeys(fqdns: readonly string[]): Promise<RecordNameKey[]> {
    return this.records.find({
      select: { fqdn: true, type: true },
      where: { fqdn: In([...fqdns]) },
    });
  }

  /** The database's clock, the one that wrote updated_at. */
  now(): Promise<Date> {
    return databaseNow(this.records.manager);
  }

  /** One INSERT ... SELECT of the row, guarded by the quota and the name checks. */
  private async conditionalInsert(
    manager: EntityManager,
    record: DnsRecordEntity,
    quota: number,
  ): Promise<boolean> {
    const { metadata } = this.records;
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
      quota,
      record.fqdn,
      record.type,
      record.type,
    ]);
    return result.affectedRows === 1;
  }
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

function isRecordType(text: string): text is DnsRecordType {
  return (DNS_RECORD_TYPES as readonly string[]).includes(text);
}

/** LIKE treats % and _ as wildcards and \\ as their escape; a search means them literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
