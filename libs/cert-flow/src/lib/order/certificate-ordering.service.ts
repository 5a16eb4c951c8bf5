import { Inject, Injectable } from '@nestjs/common';
import { pollDelay, type WaitCheck } from '@starchart/flow-runtime';
import { CertificatesRepository, type CertificateEntity } from '@starchart/persistence';
import { Route53Service } from '@starchart/route53';
import type * as acme from 'acme-client';
import { AcmeAccountService } from '../acme/acme-account.service';
import { problemDetail, toOrder, toOrderRef } from '../acme/acme-order';
import { CaPause } from '../acme/ca-pause';
import { dnsCaaLookup } from '../caa/caa-dns';
import { checkCaa } from '../caa/caa-policy';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import {
  AcmeRateLimitedError,
  CaaForbidsIssuanceError,
  CertificateGoneError,
  OrderInvalidError,
  OrderTimeoutError,
} from '../errors';
import { CERT_FLOW, certFlowIdFor } from '../flow';
import type { CertJobData, CreateAcmeOrderResult } from '../job-data';
import { CERT_QUEUES } from '../queues';
import { ariCertId } from '../renewal/ari-cert-id';
import { RenewalInfoClient } from '../renewal/renewal-info.client';
import { ChallengeRecords } from './challenge-records.service';
import { rowOfFlow } from './order-row';

// Orders that waited out a pause wake spread over a quarter of it, up to this, not all at once.
const PAUSE_WAKE_SPREAD_MAX_MS = 30_000;

/**
 * The order at the CA: created (create-acme-order) and validated (validate-challenges). Safe to
 * run twice: completing a challenge is skipped once it left pending, and the reason noted on the
 * certificate is written only while the row still belongs to this flow.
 */
@Injectable()
export class CertificateOrdering {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly route53: Route53Service,
    private readonly challengeRecords: ChallengeRecords,
    private readonly account: AcmeAccountService,
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
    const row = await rowOfFlow(this.certificates, job);
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

  /**
   * validate-challenges: ask the CA to check each challenge, then wait for the order to be ready.
   * The deadline counts from the order (`flowStartedAt` for one taken before orders kept the time).
   */
  async validate(
    job: CertJobData,
    checked: CreateAcmeOrderResult,
    flowStartedAt: number,
  ): Promise<WaitCheck<CreateAcmeOrderResult>> {
    await rowOfFlow(this.certificates, job);
    return this.account.withClient((client) =>
      this.validateWith(client, job, checked, checked.orderedAt ?? flowStartedAt),
    );
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
    if (!(await this.certificates.noteOrderReason(job.certificateId, certFlowIdFor(job), reason)))
      throw new CertificateGoneError(job.certificateId);
  }

  /**
   * Reads CAA for each name as the CA will (RFC 8659) before anything is ordered or written, so a
   * name whose CAA forbids our CA fails at once, without a failed validation counted at the CA.
   */
  private async assertCaaAllows(job: CertJobData): Promise<void> {
    const identities = this.settings.caaIdentities;
    if (identities.length === 0) return;
    const zoneServers = await this.challengeRecords.dnsServers();
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
