import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CertificateStatus } from '../entities/certificate.entity';
import { MAX_LOCK_REASON_LENGTH } from '../entities/user.entity';
import { escapeLike } from './admin-records.repository';

/** A person as the admin console lists them. */
export interface UserSummary {
  username: string;
  email: string | null;
  createdAt: Date;
  lastSeenAt: Date | null;
  lockedAt: Date | null;
  lockedReason: string | null;
  /** Their own record quota; null: the server's RECORD_QUOTA. */
  quotaOverride: number | null;
  recordCount: number;
  certificateStatus: CertificateStatus | null;
}

export interface UserSearch {
  /** A prefix of the username or of the e-mail address; every user when absent. */
  query?: string;
  /** Users after this username (the previous page's last). */
  afterUsername?: string;
  limit: number;
}

export interface UserLock {
  lockedAt: Date;
  reason: string;
}

interface UserSummaryRow {
  username: string;
  email: string | null;
  created_at: Date;
  last_seen_at: Date | null;
  locked_at: Date | null;
  locked_reason: string | null;
  quota_override: number | null;
  record_count: number | string;
  certificate_status: CertificateStatus | null;
}

// The record count uses IDX_dns_records_username_status; the certificate, its unique username.
const SUMMARY_COLUMNS = `u.username, u.email, u.created_at, u.last_seen_at, u.locked_at,
  u.locked_reason, u.quota_override,
  (SELECT COUNT(*) FROM dns_records r WHERE r.username = u.username) AS record_count,
  c.status AS certificate_status
  FROM users u LEFT JOIN certificates c ON c.username = u.username`;

/** What admins read and change about people: search, lock, quota, removal of the row. */
@Injectable()
export class AdminUsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Ordered by username; one more than `limit` rows tells the caller there is a next page. */
  async search(search: UserSearch): Promise<UserSummary[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (search.query !== undefined) {
      const prefix = `${escapeLike(search.query)}%`;
      conditions.push('(u.username LIKE ? OR u.email LIKE ?)');
      params.push(prefix, prefix);
    }
    if (search.afterUsername !== undefined) {
      conditions.push('u.username > ?');
      params.push(search.afterUsername);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.dataSource.query<UserSummaryRow[]>(
      `SELECT ${SUMMARY_COLUMNS} ${where} ORDER BY u.username LIMIT ?`,
      [...params, search.limit + 1],
    );
    return rows.map(toSummary);
  }

  async find(username: string): Promise<UserSummary | undefined> {
    const [row] = await this.dataSource.query<UserSummaryRow[]>(
      `SELECT ${SUMMARY_COLUMNS} WHERE u.username = ?`,
      [username],
    );
    return row && toSummary(row);
  }

  /** Null when the person is not locked (or unknown). */
  async lockOf(username: string): Promise<UserLock | null> {
    const [row] = await this.dataSource.query<
      { locked_at: Date | null; locked_reason: string | null }[]
    >('SELECT locked_at, locked_reason FROM users WHERE username = ?', [username]);
    if (!row?.locked_at) return null;
    return { lockedAt: row.locked_at, reason: row.locked_reason ?? '' };
  }

  /** Locks the person (again, with a new reason); false when there is no such person. */
  async lock(username: string, reason: string): Promise<boolean> {
    return this.changed(
      'UPDATE users SET locked_at = COALESCE(locked_at, CURRENT_TIMESTAMP(3)), locked_reason = ? WHERE username = ?',
      [reason.slice(0, MAX_LOCK_REASON_LENGTH), username],
    );
  }

  /** False when there is no such person. */
  async unlock(username: string): Promise<boolean> {
    return this.changed(
      'UPDATE users SET locked_at = NULL, locked_reason = NULL WHERE username = ?',
      [username],
    );
  }

  /** Null gives the person the server's quota again; false when there is no such person. */
  async setQuotaOverride(username: string, quota: number | null): Promise<boolean> {
    return this.changed('UPDATE users SET quota_override = ? WHERE username = ?', [
      quota,
      username,
    ]);
  }

  /**
   * Removes the person's row, only once they own no record any more; false otherwise (a record
   * created meanwhile, or no such person).
   */
  async removeIfNoRecords(username: string): Promise<boolean> {
    const result = await this.dataSource.query<{ affectedRows: number }>(
      `DELETE FROM users WHERE username = ?
         AND NOT EXISTS (SELECT 1 FROM dns_records WHERE username = ?)`,
      [username, username],
    );
    return result.affectedRows === 1;
  }

  // mysql2 connects with FOUND_ROWS, so affectedRows counts matched rows, not changed ones:
  // locking a locked person with the same reason still finds them.
  private async changed(sql: string, params: unknown[]): Promise<boolean> {
    const result = await this.dataSource.query<{ affectedRows: number }>(sql, params);
    return result.affectedRows > 0;
  }
}

function toSummary(row: UserSummaryRow): UserSummary {
  return {
    username: row.username,
    email: row.email,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    lockedAt: row.locked_at,
    lockedReason: row.locked_reason,
    quotaOverride: row.quota_override,
    recordCount: Number(row.record_count),
    certificateStatus: row.certificate_status,
  };
}
