import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type FindOptionsWhere, type Repository } from 'typeorm';
import {
  AdminAuditEntryEntity,
  MAX_AUDIT_DETAIL_LENGTH,
  type AdminAction,
  type AdminActionOutcome,
} from '../entities/admin-audit-entry.entity';

export interface NewAdminAuditEntry {
  actor: string;
  action: AdminAction;
  targetUsername: string | null;
  targetRecordId: string | null;
  requestId: string;
  outcome: AdminActionOutcome;
  detail: string | null;
}

export interface AdminAuditQuery {
  /** Only what was done to this person. */
  targetUsername?: string;
  /** Entries older than this id (the previous page's last id). */
  beforeId?: number;
  limit: number;
}

/**
 * The admin audit log: append and read, nothing else. The table refuses UPDATE and DELETE
 * itself, so this class offers neither.
 */
@Injectable()
export class AdminAuditLogRepository {
  constructor(
    @InjectRepository(AdminAuditEntryEntity)
    private readonly entries: Repository<AdminAuditEntryEntity>,
  ) {}

  async append(entry: NewAdminAuditEntry): Promise<void> {
    await this.entries.insert({
      ...entry,
      detail: entry.detail === null ? null : entry.detail.slice(0, MAX_AUDIT_DETAIL_LENGTH),
    });
  }

  /** Newest first; one more than `limit` rows tells the caller there is a next page. */
  page(query: AdminAuditQuery): Promise<AdminAuditEntryEntity[]> {
    const where: FindOptionsWhere<AdminAuditEntryEntity> = {};
    if (query.targetUsername !== undefined) where.targetUsername = query.targetUsername;
    if (query.beforeId !== undefined) where.id = LessThan(query.beforeId);
    return this.entries.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
  }
}
