import { Inject, Injectable } from '@nestjs/common';
import {
  AdminAuditLogRepository,
  AdminRecordsRepository,
  AdminUsersRepository,
  CertificatesRepository,
  type UserSummary,
} from '@starchart/persistence';
import { CertificatesService } from '../certificates/certificates.service';
import type { CertificateDetail } from '../certificates/certificates.controller';
import { toCertificateView } from '../certificates/certificate-view';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import {
  CertificateBusyError,
  ForbiddenError,
  InvalidInputError,
  RecordBusyError,
  UserNotFoundError,
} from '../problems/api-errors';
import type { RecordDetail } from '../records/records.controller';
import { toRecordView } from '../records/record-view';
import { RecordsService } from '../records/records.service';
import { AccountLocks } from '../users/account-locks';
import type { AdminActor } from './admin-access';
import { AdminAudit } from './admin-audit';
import { toAuditEntryView } from './admin-audit.service';
import { type AdminRecordPage, recordPage } from './admin-records.service';
import type {
  AuditEntryView,
  DeleteUserInput,
  UserDeletionView,
  UserSearchQuery,
  UserSummaryView,
} from './admin.schemas';

// The person's page shows this many of their records and of their latest flows and audit entries.
const DETAIL_RECORDS = 100;
const DETAIL_FLOWS = 5;
const DETAIL_AUDIT = 20;
// Delete flows started at once while deleting a person: each is a transaction and a Redis MULTI.
const DELETE_CONCURRENCY = 20;
const DELETION_LOCK_REASON = 'the account is being deleted';

export interface UserDetail {
  user: UserSummaryView;
  records: AdminRecordPage;
  certificate: CertificateDetail | null;
  recentFlows: RecordDetail[];
  audit: AuditEntryView[];
}

/** People, as admins find them and act on them. */
@Injectable()
export class AdminUsersService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly users: AdminUsersRepository,
    private readonly adminRecords: AdminRecordsRepository,
    private readonly auditLog: AdminAuditLogRepository,
    private readonly certificates: CertificatesRepository,
    private readonly recordsService: RecordsService,
    private readonly certificatesService: CertificatesService,
    private readonly locks: AccountLocks,
    private readonly audit: AdminAudit,
  ) {}

  async search(
    query: UserSearchQuery,
  ): Promise<{ items: UserSummaryView[]; nextCursor: string | null }> {
    const rows = await this.users.search({
      ...(query.q !== undefined && { query: query.q }),
      ...(query.cursor !== undefined && { afterUsername: query.cursor }),
      limit: query.limit,
    });
    const items = rows.slice(0, query.limit);
    return {
      items: items.map((user) => this.toView(user)),
      nextCursor: rows.length > query.limit ? (items.at(-1)?.username ?? null) : null,
    };
  }

  async detail(username: string): Promise<UserDetail> {
    const user = await this.find(username);
    const [records, certificate, audit] = await Promise.all([
      this.adminRecords.page({ username, limit: DETAIL_RECORDS }),
      this.certificates.findByUsername(username),
      this.auditLog.page({ targetUsername: username, limit: DETAIL_AUDIT }),
    ]);
    const recentFlows = await Promise.all(
      records.slice(0, DETAIL_FLOWS).map(async (record) => ({
        ...toRecordView(record),
        steps: await this.recordsService.stepsOf(record),
      })),
    );
    return {
      user: this.toView(user),
      records: recordPage(records, DETAIL_RECORDS),
      certificate: certificate && {
        ...toCertificateView(
          certificate,
          (await this.certificatesService.standings([certificate])).get(certificate.id),
        ),
        steps: await this.certificatesService.stepsOf(certificate),
      },
      recentFlows,
      audit: audit.slice(0, DETAIL_AUDIT).map(toAuditEntryView),
    };
  }

  lock(actor: AdminActor, username: string, reason: string): Promise<UserSummaryView> {
    return this.audit.run(actor, 'user.lock', { username }, async () => {
      // Locked out of the admin routes too, nobody could unlock them but another admin.
      if (username === actor.username)
        throw new ForbiddenError('You cannot lock your own account; ask another admin.');
      if (!(await this.users.lock(username, reason))) throw new UserNotFoundError(username);
      this.locks.forget(username);
      return { result: this.toView(await this.find(username)), detail: reason };
    });
  }

  unlock(actor: AdminActor, username: string): Promise<UserSummaryView> {
    return this.audit.run(actor, 'user.unlock', { username }, async () => {
      if (!(await this.users.unlock(username))) throw new UserNotFoundError(username);
      this.locks.forget(username);
      return { result: this.toView(await this.find(username)), detail: null };
    });
  }

  setQuota(actor: AdminActor, username: string, quota: number | null): Promise<UserSummaryView> {
    return this.audit.run(actor, 'user.quota', { username }, async () => {
      if (!(await this.users.setQuotaOverride(username, quota)))
        throw new UserNotFoundError(username);
      return {
        result: this.toView(await this.find(username)),
        detail: quota === null ? 'quota override removed' : `quota set to ${quota}`,
      };
    });
  }

  /**
   * Deletes a person in the order that leaves nothing behind: lock them (no new records), start
   * the delete flow of every settled record, and once none is left, delete the certificate and
   * then the person. Records still in a flow are deleted by a later call, so the console calls
   * again until the answer says deleted.
   */
  delete(actor: AdminActor, username: string, input: DeleteUserInput): Promise<UserDeletionView> {
    if (input.confirm !== username) {
      throw new InvalidInputError([
        { field: 'confirm', message: 'must repeat the username of the person to delete' },
      ]);
    }
    return this.audit.run(actor, 'user.delete', { username }, async () => {
      if (username === actor.username)
        throw new ForbiddenError('You cannot delete your own account; ask another admin.');
      if (!(await this.users.lock(username, DELETION_LOCK_REASON)))
        throw new UserNotFoundError(username);
      this.locks.forget(username);
      const deleteFlowsStarted = await this.startDeleteFlows(actor, username);
      const recordsLeft = await this.adminRecords.countOwnedBy(username);
      const result: UserDeletionView = {
        username,
        state: 'deleting',
        deleteFlowsStarted,
        recordsLeft,
        certificate: 'none',
      };
      if (recordsLeft === 0) {
        result.certificate = await this.deleteCertificate(username);
        if (result.certificate === 'none' && (await this.users.removeIfNoRecords(username)))
          result.state = 'deleted';
      }
      return {
        result,
        detail: `${result.state}: ${deleteFlowsStarted} delete flows started, ${recordsLeft} records left, certificate ${result.certificate}`,
      };
    });
  }

  private async startDeleteFlows(actor: AdminActor, username: string): Promise<number> {
    const settled = await this.adminRecords.findSettledIds(username);
    const principal = { username: actor.username, isAdmin: true, email: null };
    let started = 0;
    for (let index = 0; index < settled.length; index += DELETE_CONCURRENCY) {
      const batch = settled.slice(index, index + DELETE_CONCURRENCY);
      const outcomes = await Promise.allSettled(
        batch.map((id) => this.recordsService.remove(principal, id)),
      );
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') started += 1;
        // A flow that began meanwhile (the person's own delete): the next call finds it done.
        else if (!(outcome.reason instanceof RecordBusyError)) throw outcome.reason;
      }
    }
    return started;
  }

  private async deleteCertificate(username: string): Promise<UserDeletionView['certificate']> {
    const certificate = await this.certificates.findByUsername(username);
    if (!certificate) return 'none';
    try {
      // Revoked and removed by a worker: the person goes once it is gone (a later call).
      await this.certificatesService.removeAsRead(certificate);
      return 'deleting';
    } catch (error) {
      // An order or renewal is worked on: its flow would write to a missing row.
      if (error instanceof CertificateBusyError) return 'busy';
      throw error;
    }
  }

  private async find(username: string): Promise<UserSummary> {
    const user = await this.users.find(username);
    if (!user) throw new UserNotFoundError(username);
    return user;
  }

  private toView(user: UserSummary): UserSummaryView {
    return {
      username: user.username,
      email: user.email,
      createdAt: user.createdAt.toISOString(),
      lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
      lock: user.lockedAt && {
        lockedAt: user.lockedAt.toISOString(),
        reason: user.lockedReason ?? '',
      },
      quota: {
        override: user.quotaOverride,
        effective: user.quotaOverride ?? this.config.recordQuota,
      },
      recordCount: user.recordCount,
      certificateStatus: user.certificateStatus,
    };
  }
}
