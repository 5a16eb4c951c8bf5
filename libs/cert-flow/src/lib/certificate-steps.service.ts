import { Inject, Injectable } from '@nestjs/common';
import { DependencyFailedError, pollDelay, type WaitCheck } from '@starchart/flow-runtime';
import { InjectRepository } from '@nestjs/typeorm';
import { CertificateEntity, MAX_CERTIFICATE_REASON_LENGTH } from '@starchart/persistence';
import {
  InvalidChangeError,
  RecordSetNotFoundError,
  Route53AccessDeniedError,
  Route53Service,
} from '@starchart/route53';
import * as acme from 'acme-client';
import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Repository } from 'typeorm';
import { AcmeAccountService } from './acme/acme-account.service';
import { CaPause } from './acme/ca-pause';
import { CERT_STEP_SETTINGS, type CertKeyType, type CertStepSettings } from './cert-flow-options';
import { dnsCaaLookup } from './caa/caa-dns';
import { checkCaa } from './caa/caa-policy';
import { authoritativeServersAnswer, dnsServerAddress, nameServerAddresses } from './challenge-dns';
import {
  CaaForbidsIssuanceError,
  AcmeRateLimitedError,
  CertificateGoneError,
  ChallengePropagationTimeoutError,
  ChallengeRecordRefusedError,
  isOrderLost,
  OrderInvalidError,
  OrderLostError,
  OrderTimeoutError,
} from './errors';
import { CERT_FLOW, certFlowIdFor } from './flow';
import type {
  CertJobData,
  CleanupChallengeResult,
  CreateAcmeOrderResult,
  FinalizeCertificateResult,
  OrderRef,
  WriteChallengeRecordResult,
} from './job-data';
import { KeyCipher } from './key-cipher';
import { ariCertId } from './renewal/ari-cert-id';
import { RenewalInfoClient } from './renewal/renewal-info.client';
import { CERT_QUEUES } from './queues';

/** How the chain below the root ended, as the root sees it. */
export type FlowOutcome = { ok: true } | { ok: false; reason: string };

const CHALLENGE_TTL_S = 60;
// After finalize the CA signs within seconds; the key exists only in this job's memory, so the
// wait happens here rather than in a delayed job.
const SIGNING_WAIT_MS = 60_000;
const SIGNING_POLL_MS = 500;
// Orders that waited out a pause wake spread over a quarter of it, up to this, not all at once.
const PAUSE_WAKE_SPREAD_MAX_MS = 30_000;

/**
 * The work of each step of the certificate flow. Each is safe to run twice: the TXT set is an
 * UPSERT of exact values, completing a challenge is skipped once it left pending, and every
 * database write is conditional on the row still belonging to this flow.
 */
@Injectable()
export class CertificateSteps {
  constructor(
    @InjectRepository(CertificateEntity)
    private readonly certificates: Repository<CertificateEntity>,
    private readonly route53: Route53Service,
    private readonly account: AcmeAccountService,
    private readonly cipher: KeyCipher,
    private readonly renewalInfo: RenewalInfoClient,
    private readonly pause: CaPause,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
  ) {}

  /**
   * create-acme-order: a new order and the DNS-01 values its pending authorizations need. While
   * the CA has asked to pause new orders (rateLimited), it waits without asking, and an order the
   * CA answers so waits too: the certificate stays pending, with the reason, and orders after.
   * A renewal at a CA that offers ARI names the certificate it replaces (RFC 9773 §5).
   */
  async createOrder(job: CertJobData): Promise<WaitCheck<CreateAcmeOrderResult>> {
    const row = await this.currentRow(job);
    await this.assertCaaAllows(job);
    const paused = await this.pause.pausedUntil();
    if (paused) return this.waitForCa(job, row, paused);
    const replaces = await this.replaces(job, row);
    try {
      const result = await this.account.withClient((client) =>
        this.orderWith(client, job, replaces),
      );
      if (row.statusReason !== null) await this.noteReason(job, null);
      return { done: true, result };
    } catch (error) {
      if (!(error instanceof AcmeRateLimitedError)) throw error;
      return this.waitForCa(job, row, error.pausedUntil ?? new Date());
    }
  }

  private async waitForCa(
    job: CertJobData,
    row: CertificateEntity,
    until: Date,
  ): Promise<WaitCheck<CreateAcmeOrderResult>> {
    const reason = `waiting: the CA asked to pause new orders until ${until.toISOString()}`;
    if (row.statusReason !== reason) await this.noteReason(job, reason);
    const pauseMs = Math.max(0, until.getTime() - Date.now());
    const spread = Math.min(pauseMs / 4, PAUSE_WAKE_SPREAD_MAX_MS);
    return { done: false, retryInMs: Math.max(1, Math.ceil(pauseMs + Math.random() * spread)) };
  }

  /** The certificate's reason while its order runs (null: none), if it still belongs to this flow. */
  private async noteReason(job: CertJobData, reason: string | null): Promise<void> {
    const { affected } = await this.certificates.update(
      { id: job.certificateId, flowId: certFlowIdFor(job) },
      { statusReason: reason },
    );
    if (!affected) throw new CertificateGoneError(job.certificateId);
  }

  /**
   * Reads CAA for each name as the CA will (RFC 8659) before anything is ordered or written, so a
   * name whose CAA forbids our CA fails at once, without a failed validation counted at the CA.
   */
  private async assertCaaAllows(job: CertJobData): Promise<void> {
    const identities = this.settings.caaIdentities;
    if (identities.length === 0) return;
    const zoneServers = await this.dnsServers();
    const lookup = dnsCaaLookup({
      zone: await this.route53.zoneName,
      zoneServers,
      // A configured check server (the emulator) is the whole DNS in development and tests.
      aboveServers: this.settings.dnsCheckServer !== undefined ? zoneServers : undefined,
    });
    for (const domain of job.domains) {
      const decision = await checkCaa(domain, identities, lookup);
      if (!decision.allowed)
        throw new CaaForbidsIssuanceError(
          `${decision.reason}. Nothing was ordered: change or delete that CAA record, then order again`,
        );
    }
  }

  private async replaces(job: CertJobData, row: CertificateEntity): Promise<string | undefined> {
    if (job.op !== 'renew' || row.certificatePem === null) return undefined;
    if ((await this.renewalInfo.endpoint()) === undefined) return undefined;
    return ariCertId(row.certificatePem);
  }

  private async orderWith(
    client: acme.Client,
    job: CertJobData,
    replaces: string | undefined,
  ): Promise<CreateAcmeOrderResult> {
    // acme-client passes the payload through to newOrder as it is.
    const order = await client.createOrder({
      identifiers: job.domains.map((value) => ({ type: 'dns', value })),
      ...(replaces !== undefined && { replaces }),
    });
    const authorizations = await client.getAuthorizations(order);
    const challenges: CreateAcmeOrderResult['challenges'] = [];
    for (const authorization of authorizations) {
      // A CA may reuse an authorization it validated recently: nothing to prove for that one.
      if (authorization.status === 'valid') continue;
      if (authorization.status !== 'pending')
        throw new OrderInvalidError(
          `the CA's authorization for ${authorization.identifier.value} is ${authorization.status}`,
        );
      const challenge = authorization.challenges.find((candidate) => candidate.type === 'dns-01');
      if (!challenge)
        throw new OrderInvalidError(
          `the CA offers no DNS-01 challenge for ${authorization.identifier.value}`,
        );
      const txtValue = await client.getChallengeKeyAuthorization(challenge);
      challenges.push({ url: challenge.url, token: challenge.token, txtValue });
    }
    return { order: toOrderRef(order), challenges, orderedAt: Date.now() };
  }

  /** write-challenge-record: one TXT set at `_acme-challenge.<user>` holding every value. */
  async writeChallenge(
    job: CertJobData,
    order: CreateAcmeOrderResult,
  ): Promise<WriteChallengeRecordResult> {
    const values = [...new Set(order.challenges.map((challenge) => challenge.txtValue))];
    const submittedAt = Date.now();
    if (values.length === 0) return { ...order, changeId: null, submittedAt };
    try {
      const { changeId } = await this.route53.submitChange({
        action: 'UPSERT',
        recordSet: { name: job.challengeName, type: 'TXT', ttl: CHALLENGE_TTL_S, values },
      });
      return { ...order, changeId, submittedAt };
    } catch (error) {
      throw explainRoute53Failure(error, job.challengeName);
    }
  }

  /** check-challenge-dns: Route 53 says INSYNC and the authoritative servers answer every value. */
  async checkPropagation(
    job: CertJobData,
    written: WriteChallengeRecordResult,
  ): Promise<WaitCheck<CreateAcmeOrderResult>> {
    const result = {
      order: written.order,
      challenges: written.challenges,
      ...(written.orderedAt !== undefined && { orderedAt: written.orderedAt }),
    };
    if (written.changeId === null) return { done: true, result };
    const waited = Date.now() - written.submittedAt;
    if (waited > this.settings.propagationDeadlineMs)
      throw new ChallengePropagationTimeoutError(
        `the challenge record ${job.challengeName} was not served by the zone's DNS within ` +
          `${this.settings.propagationDeadlineMs / 1000} s; nothing was issued, order again later`,
      );
    const retry = {
      done: false as const,
      retryInMs: pollDelay(waited, CERT_FLOW.pollPolicy(CERT_QUEUES.checkChallengeDns)),
    };
    const status = await this.route53.getChangeStatus(written.changeId);
    if (status !== 'INSYNC') return retry;
    const values = written.challenges.map((challenge) => challenge.txtValue);
    const served = await authoritativeServersAnswer(
      job.challengeName,
      values,
      await this.dnsServers(),
    );
    return served ? { done: true, result } : retry;
  }

  /**
   * validate-challenges: ask the CA to check each challenge, then wait for the order to be ready.
   * The deadline counts from the order (`flowStartedAt` for one taken before orders kept the time).
   */
  async validate(
    job: CertJobData,
    checked: CreateAcmeOrderResult,
    flowStartedAt: number,
  ): Promise<WaitCheck<CreateAcmeOrderResult>> {
    await this.currentRow(job);
    return this.account.withClient((client) =>
      this.validateWith(client, job, checked, checked.orderedAt ?? flowStartedAt),
    );
  }

  private async validateWith(
    client: acme.Client,
    job: CertJobData,
    checked: CreateAcmeOrderResult,
    orderedAt: number,
  ): Promise<WaitCheck<CreateAcmeOrderResult>> {
    const order = await client.getOrder(toOrder(checked.order));
    if (order.status === 'ready' || order.status === 'valid')
      return { done: true, result: checked };
    if (order.status === 'invalid') throw await this.whyInvalid(client, order, job);
    for (const authorization of await client.getAuthorizations(order)) {
      if (authorization.status === 'invalid') throw await this.whyInvalid(client, order, job);
      for (const challenge of authorization.challenges) {
        const ours = checked.challenges.some((candidate) => candidate.url === challenge.url);
        // Completed once only: a second POST to a processing challenge is refused by some CAs.
        if (ours && challenge.status === 'pending') await client.completeChallenge(challenge);
      }
    }
    const waited = Date.now() - orderedAt;
    if (waited > this.settings.orderDeadlineMs)
      throw new OrderTimeoutError(
        `the CA did not validate the order within ${this.settings.orderDeadlineMs / 60_000} minutes`,
      );
    return {
      done: false,
      retryInMs: pollDelay(waited, CERT_FLOW.pollPolicy(CERT_QUEUES.validateChallenges)),
    };
  }

  /** finalize-certificate: a fresh key and CSR, the signed certificate, stored with the key sealed. */
  async finalize(
    job: CertJobData,
    checked: CreateAcmeOrderResult,
  ): Promise<FinalizeCertificateResult> {
    const row = await this.currentRow(job);
    return this.account.withClient((client) => this.finalizeWith(client, job, checked, row));
  }

  private async finalizeWith(
    client: acme.Client,
    job: CertJobData,
    checked: CreateAcmeOrderResult,
    row: CertificateEntity,
  ): Promise<FinalizeCertificateResult> {
    let order = await client.getOrder(toOrder(checked.order));
    if (order.status === 'processing' || order.status === 'valid')
      throw new OrderLostError(
        `the order is ${order.status}: an earlier attempt finalized it with a key that was not kept`,
      );
    if (order.status !== 'ready')
      throw new OrderInvalidError(`the order is ${order.status}, not ready; order again`);
    const key = await this.keyFor(job, row);
    const [, csr] = await acme.crypto.createCsr(
      { commonName: job.domains[0], altNames: job.domains },
      key,
    );
    order = await client.finalizeOrder(order, csr);
    const deadline = Date.now() + SIGNING_WAIT_MS;
    while (order.status === 'processing' && Date.now() < deadline) {
      await sleep(SIGNING_POLL_MS);
      order = await client.getOrder(order);
    }
    if (order.status !== 'valid')
      throw new OrderInvalidError(`the CA left the finalized order ${order.status}`);
    const [leaf, ...chain] = acme.crypto.splitPemChain(await client.getCertificate(order));
    if (!leaf) throw new OrderInvalidError('the CA returned no certificate');
    const x509 = new X509Certificate(leaf);
    const validFrom = new Date(x509.validFrom);
    const validTo = new Date(x509.validTo);
    const { affected } = await this.certificates.update(
      { id: job.certificateId, flowId: certFlowIdFor(job) },
      {
        certificatePem: leaf,
        chainPem: chain.join('\n'),
        privateKeyEncrypted: this.cipher.encrypt(key.toString()),
        validFrom,
        validTo,
        // The CA's window was the replaced certificate's.
        ariWindowStart: null,
        ariWindowEnd: null,
        ariNextPollAt: null,
      },
    );
    if (!affected) throw new CertificateGoneError(job.certificateId);
    return { validFrom: validFrom.toISOString(), validTo: validTo.toISOString() };
  }

  /**
   * A new private key, unless this is a renewal and CERT_RENEW_REUSE_KEY keeps the current one
   * (then the key type stays the current key's, whatever CERT_KEY_TYPE says now).
   */
  private async keyFor(job: CertJobData, row: CertificateEntity): Promise<Buffer> {
    if (job.op === 'renew' && this.settings.renewReuseKey && row.privateKeyEncrypted !== null)
      return Buffer.from(this.cipher.decrypt(row.privateKeyEncrypted));
    return createKey(this.settings.keyType);
  }

  /**
   * cleanup-challenge (root): remove the challenge TXT set whatever happened below, then write
   * issued or failed. The name belongs to this flow alone (one order per user at a time), so
   * whatever set is there now is this flow's to remove. A lost order writes nothing: this job
   * fails, and the safety net orders again.
   */
  async cleanUp(job: CertJobData, outcome: FlowOutcome): Promise<CleanupChallengeResult> {
    const removed = await this.removeChallengeRecord(job.challengeName);
    if (!outcome.ok && isOrderLost(outcome.reason)) throw new DependencyFailedError(outcome.reason);
    const current = { id: job.certificateId, flowId: certFlowIdFor(job) };
    if (outcome.ok) {
      const { affected } = await this.certificates.update(current, {
        status: 'issued',
        statusReason: null,
        renewalFailures: 0,
      });
      return {
        outcome: affected ? 'issued' : 'gone',
        reason: null,
        removedChallengeValues: removed,
      };
    }
    const reason = outcome.reason.slice(0, MAX_CERTIFICATE_REASON_LENGTH);
    const { affected } = await this.certificates.update(current, {
      status: 'failed',
      statusReason: reason,
      // The renewal run waits longer after each renewal that failed in a row.
      ...(job.op === 'renew' && { renewalFailures: () => 'renewal_failures + 1' }),
    });
    return { outcome: affected ? 'failed' : 'gone', reason, removedChallengeValues: removed };
  }

  /** Removes the challenge TXT set at `name`, whatever values it holds; returns how many. */
  async removeChallengeRecord(name: string): Promise<number> {
    // Twice at most: the set may change between reading it and deleting its exact values.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const current = await this.route53.getRecordSet(name, 'TXT');
      if (!current) return 0;
      try {
        await this.route53.submitChange({ action: 'DELETE', recordSet: current });
        return current.values.length;
      } catch (error) {
        if (error instanceof RecordSetNotFoundError) return 0;
        if (!(error instanceof InvalidChangeError)) throw error;
      }
    }
    throw new ChallengeRecordRefusedError(`Route 53 refused to delete ${name} TXT`);
  }

  private async currentRow(job: CertJobData): Promise<CertificateEntity> {
    const row = await this.certificates.findOneBy({
      id: job.certificateId,
      flowId: certFlowIdFor(job),
    });
    if (!row) throw new CertificateGoneError(job.certificateId);
    return row;
  }

  private async dnsServers(): Promise<string[]> {
    if (this.settings.dnsCheckServer !== undefined)
      return [await dnsServerAddress(this.settings.dnsCheckServer)];
    const zone = await this.route53.zoneName;
    const ns = await this.route53.getRecordSet(zone, 'NS');
    return nameServerAddresses(ns?.values.map((host) => host.replace(/\.$/, '')) ?? []);
  }

  private async whyInvalid(
    client: acme.Client,
    order: acme.Order,
    job: CertJobData,
  ): Promise<OrderInvalidError> {
    for (const authorization of await client.getAuthorizations(order)) {
      for (const challenge of authorization.challenges) {
        const detail = problemDetail(challenge.error);
        // The CA's detail rarely names the record it read; the user needs that name to look.
        if (challenge.status === 'invalid' && detail)
          return new OrderInvalidError(
            `the CA could not validate ${authorization.identifier.value}: ${detail} ` +
              `(it reads the TXT record ${job.challengeName}); nothing was issued, order again`,
          );
      }
    }
    return new OrderInvalidError(
      `the CA marked the order invalid: ${problemDetail(order.error) ?? 'no reason given'}`,
    );
  }
}

function problemDetail(error: object | undefined): string | undefined {
  return error && 'detail' in error && typeof error.detail === 'string' ? error.detail : undefined;
}

function toOrderRef(order: acme.Order): OrderRef {
  return {
    url: order.url,
    finalize: order.finalize,
    authorizations: order.authorizations,
    identifiers: order.identifiers,
  };
}

/** What acme-client needs to address an order again: its URLs; the status is re-read. */
function toOrder(ref: OrderRef): acme.Order {
  return { ...ref, status: 'pending' };
}

async function createKey(type: CertKeyType): Promise<Buffer> {
  return type === 'rsa-2048'
    ? acme.crypto.createPrivateRsaKey(2048)
    : acme.crypto.createPrivateEcdsaKey('P-256');
}

/** Route 53's refusals in words a user can act on; retryable errors pass through. */
function explainRoute53Failure(error: unknown, name: string): unknown {
  if (error instanceof InvalidChangeError || error instanceof Route53AccessDeniedError)
    return new ChallengeRecordRefusedError(
      `Route 53 refused the challenge record ${name}: ${error.message}`,
      { cause: error },
    );
  return error;
}
