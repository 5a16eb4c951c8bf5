import { Injectable } from '@nestjs/common';
import { type AdminAuditEntryEntity, AdminAuditLogRepository } from '@starchart/persistence';
import { InvalidInputError } from '../problems/api-errors';
import type { AuditEntryView, AuditQuery } from './admin.schemas';

/** Reads the admin audit log, newest first. */
@Injectable()
export class AdminAuditService {
  constructor(private readonly log: AdminAuditLogRepository) {}

  async page(query: AuditQuery): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const rows = await this.log.page({
      ...(query.username !== undefined && { targetUsername: query.username }),
      ...(query.cursor !== undefined && { beforeId: decodeCursor(query.cursor) }),
      limit: query.limit,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toAuditEntryView),
      nextCursor: rows.length > query.limit && last ? String(last.id) : null,
    };
  }
}

export function toAuditEntryView(entry: AdminAuditEntryEntity): AuditEntryView {
  return {
    id: entry.id,
    at: entry.createdAt.toISOString(),
    actor: entry.actor,
    action: entry.action,
    targetUsername: entry.targetUsername,
    targetRecordId: entry.targetRecordId,
    requestId: entry.requestId,
    outcome: entry.outcome,
    detail: entry.detail,
  };
}

function decodeCursor(cursor: string): number {
  if (/^[1-9][0-9]{0,9}$/.test(cursor)) return Number(cursor);
  throw new InvalidInputError([
    { field: 'cursor', message: 'is not a cursor this api handed out' },
  ]);
}
