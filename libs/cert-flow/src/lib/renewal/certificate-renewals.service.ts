import { Inject, Injectable, Logger } from '@nestjs/common';
import { CertificatesRepository, type CertificateEntity } from '@starchart/persistence';
import { CertificateAdmissions } from '../admission/certificate-admissions.service';
import type { OrderKind } from '../admission/issuance-budget';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import { CertFlowService, toCertJobData } from '../cert-flow.service';
import { ariCertId } from './ari-cert-id';
import { RenewalInfoClient } from './renewal-info.client';
import {
  ariRenewalTime,
  DEFAULT_RENEWAL_LIFETIME_FRACTION,
  renewalRetryDelay,
  renewalTime,
  type RenewalSubject,
  type RenewalTiming,
  type RenewalWindow,
} from './renewal-schedule';

/**
 * Finds issued certificates whose renewal time has come (`renewalTime`: two thirds of the
 * lifetime, spread per certificate, at the latest `renewBeforeDays` before the end) and starts
 * one renewal flow for each, the earliest due first. A renewal is charged to the issuance
 * budget's orders (never to new certificates) and never waits behind queued new orders; when
 * the orders budget is spent, what is due stays due for the next run. Safe to run twice at once: the status moves from issued to renewing (the next
 * version) only for the run whose conditional update wins, and the flow's job ids derive from
 * the certificate's id and that version, so a second add adds nothing.
 */
@Injectable()
export class CertificateRenewals {
  private readonly logger = new Logger(CertificateRenewals.name);

  constructor(
    private readonly orders: CertificatesRepository,
    private readonly flows: CertFlowService,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
    private readonly renewalInfo: RenewalInfoClient,
    private readonly admissions: CertificateAdmissions,
  ) {}

  /** Returns the ids of the certificates it started renewing. */
  async renewDue(now = Date.now()): Promise<string[]> {
    const timing: RenewalTiming = {
      lifetimeFraction: DEFAULT_RENEWAL_LIFETIME_FRACTION,
      jitterMs: this.settings.renewJitterMs,
      renewBeforeDays: this.settings.renewBeforeDays,
    };
    const current = await this.orders.findRenewable();
    const windows = await this.suggestedWindows(current, now);
    const due = current
      .flatMap(({ validFrom, validTo, ...rest }) =>
        validFrom && validTo ? [{ ...rest, validFrom, validTo }] : [],
      )
      .map((certificate) => ({
        certificate,
        at: this.dueAt(certificate, timing, windows.get(certificate.id)),
      }))
      .filter(({ at }) => at <= now)
      .sort((a, b) => a.at - b.at)
      .map(({ certificate }) => certificate);
    const started: string[] = [];
    let waiting = 0;
    for (const certificate of due) {
      // A renewal inside the CA's ARI window is exempt from its limits; others use the budget.
      const kind: OrderKind = windows.has(certificate.id) ? 'ari-renewal' : 'renewal';
      if (kind === 'renewal' && waiting > 0) {
        waiting += 1;
        continue;
      }
      const outcome = await this.renew(certificate, kind);
      if (outcome === 'started') started.push(certificate.id);
      if (outcome === 'over-budget') waiting += 1;
    }
    if (waiting > 0) this.logger.warn(`${waiting} due renewal(s) wait for the order budget`);
    if (started.length > 0) this.logger.log(`renewing ${started.length} certificate(s)`);
    return started;
  }

  /**
   * The CA's suggested window of each certificate, when its directory offers renewalInfo
   * (RFC 9773): asked again once the Retry-After of the last answer has passed, kept in the row
   * meanwhile. The PEM is read here only, one row at a time. A CA that does not answer leaves the
   * last window known (or the two-thirds rule) for this run.
   */
  private async suggestedWindows(
    certificates: CertificateEntity[],
    now: number,
  ): Promise<Map<string, RenewalWindow>> {
    const windows = new Map<string, RenewalWindow>();
    const endpoint = await this.renewalInfo.endpoint(now).catch((error: unknown) => {
      this.logger.warn({ msg: 'the ACME directory could not be read for ARI', error });
      return undefined;
    });
    for (const certificate of certificates) {
      const { ariWindowStart, ariWindowEnd, ariNextPollAt } = certificate;
      const known = ariWindowStart && ariWindowEnd && { start: ariWindowStart, end: ariWindowEnd };
      if (endpoint === undefined) continue;
      if (known && ariNextPollAt && ariNextPollAt.getTime() > now) {
        windows.set(certificate.id, known);
        continue;
      }
      const fresh = await this.fetchWindow(endpoint, certificate.id, now);
      if (fresh) windows.set(certificate.id, fresh);
      else if (known) windows.set(certificate.id, known);
    }
    return windows;
  }

  private async fetchWindow(
    endpoint: string,
    id: string,
    now: number,
  ): Promise<RenewalWindow | undefined> {
    const row = await this.orders.findById(id);
    const certId = row?.certificatePem ? ariCertId(row.certificatePem) : undefined;
    if (!row?.certificatePem || certId === undefined) return undefined;
    try {
      const info = await this.renewalInfo.fetch(endpoint, certId, now);
      await this.orders.recordRenewalInfo(id, row.certificatePem, {
        windowStart: info.window.start,
        windowEnd: info.window.end,
        nextPollAt: info.nextPollAt,
      });
      return info.window;
    } catch (error) {
      this.logger.warn({ msg: 'renewalInfo unavailable', certificateId: id, error });
      return undefined;
    }
  }

  /**
   * When the certificate is due: a time inside the CA's suggested window when there is one, else
   * its renewal time; after a renewal failed (the certificate still served, its status failed),
   * no earlier than the backoff after that failure.
   */
  private dueAt(
    certificate: Pick<CertificateEntity, 'status' | 'renewalFailures' | 'updatedAt'> &
      RenewalSubject,
    timing: RenewalTiming,
    window: RenewalWindow | undefined,
  ): number {
    const at = (
      window ? ariRenewalTime(certificate.id, window) : renewalTime(certificate, timing)
    ).getTime();
    if (certificate.status !== 'failed') return at;
    const failures = Math.max(1, certificate.renewalFailures);
    const retryAt =
      certificate.updatedAt.getTime() + renewalRetryDelay(failures, this.settings.renewRetry);
    return Math.max(at, retryAt);
  }

  private async renew(
    certificate: CertificateEntity,
    kind: OrderKind,
  ): Promise<'started' | 'lost' | 'over-budget'> {
    const data = toCertJobData('renew', { ...certificate, version: certificate.version + 1 });
    const flowId = this.flows.flowIdFor(data);
    if (!(await this.admissions.admit(kind, flowId)).admitted) return 'over-budget';
    const started = await this.orders.startOrder(certificate, {
      status: 'renewing',
      flowId,
      by: 'owner',
    });
    if (!started) return 'lost';
    // Added after the commit: the flow's first step looks the row up by this flowId, and a flow
    // added inside the transaction could run before the commit and find no such row.
    try {
      await this.flows.start(data);
    } catch (error) {
      // Back as it was, so that the next run tries again.
      await this.orders.undoRenewal(certificate, flowId);
      throw error;
    }
    return 'started';
  }
}
