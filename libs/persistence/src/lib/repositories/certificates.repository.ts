import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  And,
  In,
  IsNull,
  LessThanOrEqual,
  MoreThan,
  Not,
  type QueryDeepPartialEntity,
  type Repository,
} from 'typeorm';
import { databaseNow } from '../database-clock';
import {
  CertificateEntity,
  MAX_CERTIFICATE_REASON_LENGTH,
  type CertificateStatus,
} from '../entities/certificate.entity';

/** The statuses of a certificate whose order runs: its flow is to end it issued or failed. */
export const CERTIFICATE_IN_FLIGHT: readonly CertificateStatus[] = ['pending', 'renewing'];

/** The row as it was read: a write below applies only while the row is still exactly that. */
export type CertificateAsRead = Pick<CertificateEntity, 'id' | 'version' | 'status' | 'flowId'>;

/** A certificate waiting in the issuance queue, as the admission reads it. */
export type QueuedCertificate = CertificateAsRead &
  Pick<CertificateEntity, 'username' | 'domains' | 'queuedAt'> & {
    /** It holds an issued certificate for the same names: a renewal to the CA's limits. */
    holdsCertificate: boolean;
  };

/** A new order for a certificate: its next version and the id of the flow that runs it. */
export interface NextOrder {
  status: 'pending' | 'renewing';
  flowId: string;
  /** Started by the safety net (counts towards its bound), or by the person or the renewal run. */
  by: 'safety-net' | 'owner';
}

/** What finalize-certificate stores: the signed certificate and its sealed key. */
export interface SignedCertificate {
  certificatePem: string;
  chainPem: string;
  privateKeyEncrypted: string;
  validFrom: Date;
  validTo: Date;
}

/**
 * The queries of `certificates` that the api and the certificate flows run (the operators'
 * metrics read it in certificate-health.ts, the admin console's people list in
 * AdminUsersRepository). The writes that start or end an order are conditional on the row
 * as it was read (id, version, status, flow) or on the flow that owns it (id, flow), so of two
 * racing writers exactly one wins and a step of a replaced flow changes nothing; they return
 * whether they wrote.
 */
@Injectable()
export class CertificatesRepository {
  constructor(
    @InjectRepository(CertificateEntity)
    private readonly certificates: Repository<CertificateEntity>,
  ) {}

  /** Certificates whose order runs, least recently changed first. */
  findInFlight(): Promise<CertificateEntity[]> {
    return this.certificates.find({
      where: { status: In([...CERTIFICATE_IN_FLIGHT]) },
      order: { updatedAt: 'ASC' },
    });
  }

  /**
   * Certificates ending after `from` and by `to` whose status is one of `statuses`: those no
   * renewal is working on, for the notice that their end is near.
   */
  findEnding(
    from: Date,
    to: Date,
    statuses: readonly CertificateStatus[],
  ): Promise<CertificateEntity[]> {
    return this.certificates.find({
      where: { status: In([...statuses]), validTo: And(MoreThan(from), LessThanOrEqual(to)) },
      order: { validTo: 'ASC' },
    });
  }

  /**
   * The certificates served (issued, or failed with a certificate still stored), for the renewal
   * run. The PEMs and the sealed key stay in the database: a run reads every certificate served.
   */
  findRenewable(): Promise<CertificateEntity[]> {
    return this.certificates.find({
      select: {
        id: true,
        username: true,
        domains: true,
        status: true,
        statusReason: true,
        version: true,
        flowId: true,
        validFrom: true,
        validTo: true,
        renewalFailures: true,
        updatedAt: true,
        ariWindowStart: true,
        ariWindowEnd: true,
        ariNextPollAt: true,
      },
      where: { status: In(['issued', 'failed']), certificatePem: Not(IsNull()) },
    });
  }

  findById(id: string): Promise<CertificateEntity | null> {
    return this.certificates.findOneBy({ id });
  }

  /** The certificate as it is now; throws when it is gone (the caller has just written it). */
  getById(id: string): Promise<CertificateEntity> {
    return this.certificates.findOneByOrFail({ id });
  }

  /** The one certificate of `username`, if any. */
  findByUsername(username: string): Promise<CertificateEntity | null> {
    return this.certificates.findOneBy({ username });
  }

  /** The certificate, if `username` owns it; any certificate for undefined (an admin). */
  findVisible(id: string, username: string | undefined): Promise<CertificateEntity | null> {
    return this.certificates.findOneBy(username === undefined ? { id } : { id, username });
  }

  /** `username`'s certificate, or everyone's for undefined (an admin), by username. */
  listVisible(username: string | undefined): Promise<CertificateEntity[]> {
    return this.certificates.find({
      where: username === undefined ? {} : { username },
      order: { username: 'ASC' },
    });
  }

  /** The next version of the certificate with its new order's flow, committed before the flow is added. */
  async startOrder(current: CertificateAsRead, next: NextOrder): Promise<boolean> {
    const resumes = next.by === 'safety-net' ? 'resumes + 1' : '0';
    return this.changed(
      'UPDATE certificates SET status = ?, status_reason = NULL, version = version + 1, queued_at = NULL, ' +
        `flow_id = ?, resumes = ${resumes} WHERE id = ? AND version = ? AND status = ? AND flow_id <=> ?`,
      [next.status, next.flowId, current.id, current.version, current.status, current.flowId],
    );
  }

  /**
   * A person's first order, waiting for the issuance budget: version 0 (its order starts as
   * version 1), queued now by the database's clock, which orders the queue for every process.
   */
  async queueNew(
    certificate: Pick<CertificateEntity, 'id' | 'username' | 'domains'>,
  ): Promise<void> {
    await this.certificates.query(
      'INSERT INTO certificates (id, username, domains, status, version, queued_at) ' +
        "VALUES (?, ?, ?, 'queued', 0, NOW(3))",
      [certificate.id, certificate.username, JSON.stringify(certificate.domains)],
    );
  }

  /** Takes back a first order the queue could not take: removed while it is still queued. */
  async deleteIfQueued(id: string): Promise<void> {
    await this.certificates.delete({ id, status: 'queued' });
  }

  /** Takes back a first order let out of the queue whose flow could not be added. */
  async deleteById(id: string): Promise<void> {
    await this.certificates.delete({ id });
  }

  /** Takes back an order again the queue could not take: failed, while it is still queued. */
  async failIfQueued(id: string, reason: string): Promise<void> {
    await this.certificates.update(
      { id, status: 'queued' },
      { status: 'failed', statusReason: reason },
    );
  }

  /** Takes back an order again let out of the queue (now `version`) whose flow could not be added. */
  async failAtVersion(id: string, version: number, reason: string): Promise<void> {
    await this.certificates.update({ id, version }, { status: 'failed', statusReason: reason });
  }

  /** An order again for a certificate nobody works on: to the back of the queue. */
  async queueAgain(current: CertificateAsRead): Promise<boolean> {
    return this.changed(
      "UPDATE certificates SET status = 'queued', status_reason = NULL, queued_at = NOW(3) " +
        'WHERE id = ? AND version = ? AND status = ? AND flow_id <=> ?',
      [current.id, current.version, current.status, current.flowId],
    );
  }

  /**
   * The queue, first come first served (by `queued_at`, then id): at most `limit` rows, and with
   * `upTo` only the rows up to that one (itself included).
   */
  async findQueued(
    limit: number,
    upTo?: { id: string; queuedAt: Date },
  ): Promise<QueuedCertificate[]> {
    const until = upTo ? ' AND (queued_at, id) <= (?, ?)' : '';
    const rows = await this.certificates.query<
      (CertificateAsRead & {
        username: string;
        domains: string | string[];
        queuedAt: Date;
        holdsCertificate: number;
      })[]
    >(
      'SELECT id, version, status, flow_id AS flowId, username, domains, queued_at AS queuedAt, ' +
        "certificate_pem IS NOT NULL AS holdsCertificate FROM certificates WHERE status = 'queued'" +
        `${until} ORDER BY queued_at, id LIMIT ?`,
      upTo ? [upTo.queuedAt, upTo.id, limit] : [limit],
    );
    return rows.map((row) => ({
      ...row,
      // mysql2 parses a JSON column itself; MariaDB's JSON is a LONGTEXT it leaves as text.
      domains:
        typeof row.domains === 'string' ? (JSON.parse(row.domains) as string[]) : row.domains,
      holdsCertificate: Number(row.holdsCertificate) === 1,
    }));
  }

  /** The ids of the queue, first come first served: a certificate's place is its index + 1. */
  async queueOrder(): Promise<string[]> {
    const rows = await this.certificates.query<{ id: string }[]>(
      "SELECT id FROM certificates WHERE status = 'queued' ORDER BY queued_at, id",
    );
    return rows.map((row) => row.id);
  }

  /** Ends an order its flow will not end: failed, with the reason. */
  async failOrder(current: CertificateAsRead, reason: string): Promise<boolean> {
    return this.changed(
      "UPDATE certificates SET status = 'failed', status_reason = ? " +
        'WHERE id = ? AND version = ? AND status = ? AND flow_id <=> ?',
      [
        reason.slice(0, MAX_CERTIFICATE_REASON_LENGTH),
        current.id,
        current.version,
        current.status,
        current.flowId,
      ],
    );
  }

  /**
   * The next version of the certificate in status deleting, with the id of the flow that revokes
   * and removes it; committed before that flow is added.
   */
  async startDeletion(
    current: CertificateAsRead,
    flowId: string,
    by: NextOrder['by'] = 'owner',
  ): Promise<boolean> {
    const resumes = by === 'safety-net' ? 'resumes + 1' : '0';
    return this.changed(
      "UPDATE certificates SET status = 'deleting', status_reason = NULL, version = version + 1, " +
        `flow_id = ?, resumes = ${resumes} WHERE id = ? AND version = ? AND status = ? AND flow_id <=> ?`,
      [flowId, current.id, current.version, current.status, current.flowId],
    );
  }

  /** Puts back a certificate whose renewal flow (`flowId`) could not be added, as it was before. */
  async undoRenewal(
    before: CertificateAsRead & Pick<CertificateEntity, 'statusReason'>,
    flowId: string,
  ): Promise<void> {
    await this.certificates.update(
      { id: before.id, status: 'renewing', flowId },
      {
        status: before.status,
        statusReason: before.statusReason,
        flowId: before.flowId,
        version: before.version,
      },
    );
  }

  /** Certificates being deleted, least recently changed first: the safety net's other watch. */
  findBeingDeleted(): Promise<CertificateEntity[]> {
    return this.certificates.find({
      where: { status: 'deleting' },
      order: { updatedAt: 'ASC' },
    });
  }

  /** Puts back a certificate whose delete flow could not be added, as it was before. */
  async undoDeletion(
    before: CertificateAsRead & Pick<CertificateEntity, 'statusReason' | 'resumes'>,
    flowId: string,
  ): Promise<boolean> {
    return this.changed(
      'UPDATE certificates SET status = ?, status_reason = ?, version = ?, flow_id = ?, resumes = ? ' +
        "WHERE id = ? AND status = 'deleting' AND flow_id = ?",
      [
        before.status,
        before.statusReason,
        before.version,
        before.flowId,
        before.resumes,
        before.id,
        flowId,
      ],
    );
  }

  /** Removes a certificate its delete flow (`flowId`) revoked, or that needed no revocation. */
  async removeDeleted(id: string, flowId: string): Promise<boolean> {
    return this.changed(
      "DELETE FROM certificates WHERE id = ? AND status = 'deleting' AND flow_id = ?",
      [id, flowId],
    );
  }

  /** Keeps a certificate whose revocation failed, with the reason: it stays served. */
  async failRevocation(id: string, flowId: string, reason: string): Promise<boolean> {
    return this.changed(
      "UPDATE certificates SET status = 'revocation-failed', status_reason = ? " +
        "WHERE id = ? AND status = 'deleting' AND flow_id = ?",
      [reason.slice(0, MAX_CERTIFICATE_REASON_LENGTH), id, flowId],
    );
  }

  /** Stores the CA's suggested renewal window for the certificate it holds now (`certificatePem`). */
  async recordRenewalInfo(
    id: string,
    certificatePem: string,
    info: { windowStart: Date; windowEnd: Date; nextPollAt: Date },
  ): Promise<boolean> {
    return this.changed(
      'UPDATE certificates SET ari_window_start = ?, ari_window_end = ?, ari_next_poll_at = ? ' +
        'WHERE id = ? AND certificate_pem = ?',
      [info.windowStart, info.windowEnd, info.nextPollAt, id, certificatePem],
    );
  }

  /**
   * The certificate while its current order is still flow `flowId`'s. The writes of an order's
   * steps below are conditional on the same, so a step of a replaced flow changes nothing.
   */
  findOfFlow(id: string, flowId: string): Promise<CertificateEntity | null> {
    return this.certificates.findOneBy({ id, flowId });
  }

  /** The reason shown while flow `flowId`'s order runs (null: none). */
  async noteOrderReason(id: string, flowId: string, reason: string | null): Promise<boolean> {
    return this.updatedOfFlow(id, flowId, { statusReason: reason });
  }

  /**
   * Stores the certificate flow `flowId` had signed, with its sealed key, status unchanged. The
   * CA's renewal window was the replaced certificate's, so it is cleared.
   */
  async storeSigned(id: string, flowId: string, signed: SignedCertificate): Promise<boolean> {
    return this.updatedOfFlow(id, flowId, {
      ...signed,
      ariWindowStart: null,
      ariWindowEnd: null,
      ariNextPollAt: null,
    });
  }

  /** Ends flow `flowId`'s order issued: no reason, and no renewal failures in a row any more. */
  async markIssued(id: string, flowId: string): Promise<boolean> {
    return this.updatedOfFlow(id, flowId, {
      status: 'issued',
      statusReason: null,
      renewalFailures: 0,
    });
  }

  /**
   * Ends flow `flowId`'s order failed, with the reason; a failed renewal counts one more renewal
   * failure in a row (the renewal run waits longer after each).
   */
  async markFailed(
    id: string,
    flowId: string,
    reason: string,
    { renewal }: { renewal: boolean },
  ): Promise<boolean> {
    return this.updatedOfFlow(id, flowId, {
      status: 'failed',
      statusReason: reason.slice(0, MAX_CERTIFICATE_REASON_LENGTH),
      ...(renewal && { renewalFailures: () => 'renewal_failures + 1' }),
    });
  }

  /** The database's clock, the one that wrote updated_at. */
  now(): Promise<Date> {
    return databaseNow(this.certificates.manager);
  }

  private async updatedOfFlow(
    id: string,
    flowId: string,
    values: QueryDeepPartialEntity<CertificateEntity>,
  ): Promise<boolean> {
    const { affected } = await this.certificates.update({ id, flowId }, values);
    return Boolean(affected);
  }

  private async changed(sql: string, params: unknown[]): Promise<boolean> {
    const result = await this.certificates.query<{ affectedRows: number }>(sql, params);
    return result.affectedRows === 1;
  }
}
