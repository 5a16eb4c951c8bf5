import { Injectable } from '@nestjs/common';
import {
  AdminRecordsRepository,
  type DnsRecordEntity,
  type RecordKeyset,
} from '@starchart/persistence';
import { z } from 'zod';
import { InvalidInputError } from '../problems/api-errors';
import type { RecordView } from '../records/record.schemas';
import { toRecordView } from '../records/record-view';
import { RecordsService } from '../records/records.service';
import type { AdminActor } from './admin-access';
import { AdminAudit } from './admin-audit';
import type { AdminRecordsQuery } from './admin.schemas';

export interface AdminRecordPage {
  items: RecordView[];
  nextCursor: string | null;
}

/** Records of every user: find what fails or hangs, and run a failed flow again. */
@Injectable()
export class AdminRecordsService {
  constructor(
    private readonly records: AdminRecordsRepository,
    private readonly recordsService: RecordsService,
    private readonly audit: AdminAudit,
  ) {}

  async list(query: AdminRecordsQuery, now = Date.now()): Promise<AdminRecordPage> {
    const rows = await this.records.page({
      ...(query.status !== undefined && { status: query.status }),
      ...(query.stuckForMinutes !== undefined && {
        updatedBefore: new Date(now - query.stuckForMinutes * 60_000),
      }),
      ...(query.name !== undefined && { fqdnPrefix: query.name }),
      ...(query.type !== undefined && { type: query.type }),
      ...(query.username !== undefined && { username: query.username }),
      ...(query.cursor !== undefined && { after: decodeCursor(query.cursor) }),
      limit: query.limit,
    });
    return recordPage(rows, query.limit);
  }

  retry(actor: AdminActor, id: string): Promise<RecordView> {
    return this.audit.run(actor, 'record.retry', { username: null, recordId: id }, async () => {
      const record = await this.recordsService.retry(id);
      return {
        result: record,
        detail: `${record.fqdn} ${record.type}: flow started again`,
        targetUsername: record.username,
      };
    });
  }
}

/** A page of at most `limit` of `rows` (which holds one more when a next page exists). */
export function recordPage(rows: DnsRecordEntity[], limit: number): AdminRecordPage {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toRecordView),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

const cursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

function encodeCursor({ updatedAt, id }: RecordKeyset): string {
  return Buffer.from(JSON.stringify([updatedAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): RecordKeyset {
  try {
    const decoded = cursorSchema.safeParse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    if (decoded.success) return { updatedAt: new Date(decoded.data[0]), id: decoded.data[1] };
  } catch {
    // Not JSON: the same answer as a well-formed but foreign cursor.
  }
  throw new InvalidInputError([
    { field: 'cursor', message: 'is not a cursor this api handed out' },
  ]);
}
