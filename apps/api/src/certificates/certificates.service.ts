import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CertFlowService,
  CertificateAdmissions,
  certificateDomains,
  KeyCipher,
  toCertDeleteJobData,
  type AdmittedOrder,
  type CertFlowStepView,
  type CertJobData,
  type QueueStanding,
} from '@starchart/cert-flow';
import { LIVE_STEP_STATES } from '@starchart/flow-runtime';
import {
  CERTIFICATE_IN_FLIGHT,
  CertificateEntity,
  CertificatesRepository,
  isDuplicateKey,
} from '@starchart/persistence';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { FlowStarter } from '../flows/flow-starter';
import {
  CertificateBusyError,
  CertificateExistsError,
  CertificateForceDeleteRefusedError,
  CertificateNotFoundError,
  CertificateNotIssuedError,
  ForbiddenError,
  ServiceUnavailableError,
} from '../problems/api-errors';

/** The PEM documents a certificate offers for download. */
export const PEM_DOCUMENTS = ['certificate', 'chain', 'fullchain', 'privkey'] as const;
export type PemDocument = (typeof PEM_DOCUMENTS)[number];

const QUEUE_DOWN_REASON = 'The job queue could not be reached; order again.';
// A flow the api could not confirm in time may still land this long after its row's commit:
// until then an order without a live flow still counts as being worked on.
const SETTLING_MS = 30_000;

@Injectable()
export class CertificatesService {
  private readonly logger = new Logger(CertificatesService.name);
  private readonly cipher: KeyCipher | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly certificates: CertificatesRepository,
    private readonly flows: CertFlowService,
    private readonly flowStarter: FlowStarter,
    private readonly admissions: CertificateAdmissions,
  ) {
    const encryption = config.certEncryption;
    this.cipher = encryption && new KeyCipher(encryption.key, encryption.retiredKeys);
  }

  /**
   * Orders the caller's certificate: a new row, or a new order for one that failed. The order
   * joins the issuance queue and is let out at once, with every order queued before it, if the
   * budget allows; otherwise it stays queued and the worker's admission run starts it. One order
   * per user at a time; an issued certificate renews by itself.
   */
  async order(principal: Principal): Promise<CertificateEntity> {
    const existing = await this.certificates.findByUsername(principal.username);
    if (existing) return this.reorder(existing);
    const id = randomUUID();
    try {
      await this.certificates.queueNew({
        id,
        username: principal.username,
        domains: certificateDomains(principal.username, this.config.rootDomain),
      });
    } catch (error) {
      // A concurrent order of the same user won the unique index.
      if (isDuplicateKey(error)) throw busy();
      throw error;
    }
    return this.admitUpTo(id, {
      whileQueued: () => this.certificates.deleteIfQueued(id),
      afterAdmission: () => this.certificates.deleteById(id),
    });
  }

  /** The place and estimated start of each queued certificate of `rows`; empty when unknown. */
  async standings(rows: readonly CertificateEntity[]): Promise<Map<string, QueueStanding>> {
    const queued = rows.filter((row) => row.status === 'queued').map((row) => row.id);
    if (queued.length === 0) return new Map();
    try {
      return await this.admissions.standings(queued);
    } catch (error) {
      this.logger.warn({ msg: 'queue standing unavailable', error });
      return new Map();
    }
  }

  async list(principal: Principal): Promise<CertificateEntity[]> {
    return this.certificates.listVisible(principal.isAdmin ? undefined : principal.username);
  }

  /** The certificate if the caller may see it; someone else's is reported as missing. */
  async findVisible(principal: Principal, id: string): Promise<CertificateEntity> {
    const certificate = await this.certificates.findVisible(
      id,
      principal.isAdmin ? undefined : principal.username,
    );
    if (!certificate) throw new CertificateNotFoundError(id);
    return certificate;
  }

  /** The flow's steps, or null while the queue cannot be reached (the row is still worth showing). */
  async stepsOf(certificate: CertificateEntity): Promise<CertFlowStepView[] | null> {
    try {
      return await this.flows.getSteps(certificate);
    } catch (error) {
      this.logger.warn({ msg: 'flow steps unavailable', certificateId: certificate.id, error });
      return null;
    }
  }

  /**
   * A PEM document. The private key goes to its owner only: an admin may read a certificate's
   * metadata and public parts, but holding a user's key would let them impersonate the user.
   */
  async download(principal: Principal, id: string, document: PemDocument): Promise<string> {
    const certificate = await this.findVisible(principal, id);
    const { certificatePem, chainPem, privateKeyEncrypted } = certificate;
    if (certificatePem === null || chainPem === null || privateKeyEncrypted === null)
      throw new CertificateNotIssuedError(
        `The certificate is ${certificate.status} and has not been issued yet; follow ${id}/events until it is issued.`,
      );
    switch (document) {
      case 'certificate':
        return withNewline(certificatePem);
      case 'chain':
        return withNewline(chainPem);
      case 'fullchain':
        return withNewline(certificatePem) + withNewline(chainPem);
      case 'privkey':
        if (certificate.username !== principal.username)
          throw new ForbiddenError('Only the owner of a certificate may download its private key.');
        if (!this.cipher)
          throw new ServiceUnavailableError(
            'Private key downloads are not configured on this server (CERT_ENCRYPTION_KEY).',
          );
        return withNewline(this.cipher.decrypt(privateKeyEncrypted));
    }
  }

  /**
   * Starts deleting the certificate (status deleting, 202): a worker revokes it at the CA, then
   * removes it. `force` removes one whose revocation failed without asking the CA again.
   */
  async remove(principal: Principal, id: string, force: boolean): Promise<CertificateEntity> {
    return this.removeAsRead(await this.findVisible(principal, id), force);
  }

  /**
   * Deletes the certificate as read (an admin deleting its owner): the next version in status
   * deleting and its delete flow, unless an order is being worked on (409). A certificate already
   * deleting is answered as it is while its delete flow runs, and gets a new one otherwise.
   */
  async removeAsRead(certificate: CertificateEntity, force = false): Promise<CertificateEntity> {
    if (force && certificate.status !== 'revocation-failed')
      throw new CertificateForceDeleteRefusedError(
        `The certificate is ${certificate.status}: delete it without force=true, and it is revoked at the CA first.`,
      );
    if (certificate.status === 'deleting' && (await this.isWorkedOn(certificate)))
      return certificate;
    await this.assertNotWorkedOn(certificate);
    const data = toCertDeleteJobData(certificate, !force);
    const flowId = this.flows.deleteFlowIdFor(data);
    if (!(await this.certificates.startDeletion(certificate, flowId))) throw busy();
    await this.flowStarter.start({
      producer: this.flows,
      add: () => this.flows.startDelete(data),
      undo: () => this.certificates.undoDeletion(certificate, flowId),
      subject: { op: 'delete', certificateId: certificate.id },
      notDone: 'deleted',
    });
    // A quick worker may have removed it already: answer what was committed.
    return (
      (await this.certificates.findById(certificate.id)) ??
      Object.assign(new CertificateEntity(), certificate, {
        status: 'deleting',
        statusReason: null,
        version: data.version,
        flowId,
      })
    );
  }

  /**
   * A new order for a certificate that failed, or whose order nobody works on any more (its flow
   * gone from Redis or failed): to the back of the queue, then the next version when let out.
   */
  private async reorder(existing: CertificateEntity): Promise<CertificateEntity> {
    await this.assertNotWorkedOn(existing);
    if (existing.status === 'deleting')
      throw new CertificateBusyError(
        'Your certificate is being revoked and deleted. Order a new one once it is gone.',
      );
    if (existing.status === 'issued' || existing.status === 'revocation-failed')
      throw new CertificateExistsError(
        'Your certificate is issued and renews by itself before it expires. Delete it first to order a new one.',
      );
    if (existing.status === 'queued')
      throw new CertificateBusyError(
        'Your order is already waiting in the queue for the certificate budget; it starts by itself (see its place and estimated start).',
      );
    if (!(await this.certificates.queueAgain(existing))) throw busy();
    return this.admitUpTo(existing.id, {
      whileQueued: () => this.certificates.failIfQueued(existing.id, QUEUE_DOWN_REASON),
      afterAdmission: () =>
        this.certificates.failAtVersion(existing.id, existing.version + 1, QUEUE_DOWN_REASON),
    });
  }

  /**
   * Lets the queue out up to this certificate, as far as the budget allows, and adds the flows
   * of what was let out: this certificate's through FlowStarter (503 and `undo` when Redis
   * refuses it), the others' as the admission run would. Redis unreachable before anything was
   * let out: the order is taken back (503).
   */
  private async admitUpTo(
    id: string,
    undo: { whileQueued: () => Promise<unknown>; afterAdmission: () => Promise<unknown> },
  ): Promise<CertificateEntity> {
    const row = await this.certificates.getById(id);
    let admitted: AdmittedOrder[];
    try {
      await this.flows.ensureConnected();
      admitted = row.queuedAt
        ? await this.admissions.admitQueued({ id, queuedAt: row.queuedAt })
        : [];
    } catch (error) {
      this.logger.error({ msg: 'admission failed', certificateId: id, error });
      await undo.whileQueued().catch(() => undefined);
      throw new ServiceUnavailableError(
        'The job queue cannot be reached right now, so nothing was ordered. Try again in a few seconds.',
      );
    }
    const own = admitted.find((order) => order.certificateId === id);
    await this.admissions.startAll(admitted.filter((order) => order !== own));
    if (own) await this.startFlow(own.data, undo.afterAdmission);
    return this.certificates.getById(id);
  }

  /**
   * Busy (409) while an order is worked on: its flow is live in Redis, or its row changed so
   * recently that a flow the api could not confirm may still land. A pending or renewing
   * certificate whose flow is gone or failed is the person's to order again or delete.
   */
  private async assertNotWorkedOn(certificate: CertificateEntity): Promise<void> {
    if (!CERTIFICATE_IN_FLIGHT.includes(certificate.status)) return;
    if (await this.isWorkedOn(certificate)) throw busy();
  }

  /** Its latest flow is live in Redis, or its row changed so recently that the flow may still land. */
  private async isWorkedOn(certificate: CertificateEntity): Promise<boolean> {
    const state = await this.flows.getFlowState(certificate).catch((error: unknown) => {
      this.logger.warn({ msg: 'flow state unavailable', certificateId: certificate.id, error });
      throw new ServiceUnavailableError(
        'The job queue cannot be reached right now, so whether an order is still running is unknown. Try again in a few seconds.',
      );
    });
    if (LIVE_STEP_STATES.includes(state)) return true;
    const age = (await this.certificates.now()).getTime() - certificate.updatedAt.getTime();
    return age < SETTLING_MS;
  }

  /**
   * Adds the flow of the committed row. When Redis refuses it, `undo` puts the row back (503);
   * when Redis is too slow to confirm, the row stays: the certificate safety net starts its flow
   * if it never lands.
   */
  private async startFlow(data: CertJobData, undo: () => Promise<unknown>): Promise<void> {
    await this.flowStarter.start({
      producer: this.flows,
      add: () => this.flows.start(data),
      undo,
      subject: { op: data.op, certificateId: data.certificateId },
      notDone: 'ordered',
    });
  }
}

function busy(): CertificateBusyError {
  return new CertificateBusyError(
    'An order for your certificate is still running. Wait until it is issued or failed (follow GET /api/v1/certificates/{id}/events), then try again.',
  );
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
