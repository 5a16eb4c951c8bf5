import { Inject, Injectable, Logger } from '@nestjs/common';
import { CertificateEntity, CertificatesRepository } from '@starchart/persistence';
import { DataSource, LessThan } from 'typeorm';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import { CertFlowService, toCertJobData } from '../cert-flow.service';

const DAY_MS = 86_400_000;

/**
 * Finds issued certificates that expire within the renewal window and starts one renewal flow
 * for each. Safe to run twice at once: the status moves from issued to renewing (the next
 * version) only for the run whose conditional update wins, and the flow's job ids derive from
 * the certificate's id and that version, so a second add adds nothing.
 */
@Injectable()
export class CertificateRenewals {
  private readonly logger = new Logger(CertificateRenewals.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: CertificatesRepository,
    private readonly flows: CertFlowService,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
  ) {}

  /** Returns the ids of the certificates it started renewing. */
  async renewDue(now = Date.now()): Promise<string[]> {
    const horizon = new Date(now + this.settings.renewBeforeDays * DAY_MS);
    const due = await this.dataSource.getRepository(CertificateEntity).find({
      where: { status: 'issued', validTo: LessThan(horizon) },
      order: { validTo: 'ASC' },
    });
    const started: string[] = [];
    for (const certificate of due) {
      if (await this.renew(certificate)) started.push(certificate.id);
    }
    if (started.length > 0) this.logger.log(`renewing ${started.length} certificate(s)`);
    return started;
  }

  private async renew(certificate: CertificateEntity): Promise<boolean> {
    const data = toCertJobData('renew', { ...certificate, version: certificate.version + 1 });
    const flowId = this.flows.flowIdFor(data);
    const started = await this.orders.startOrder(certificate, {
      status: 'renewing',
      flowId,
      by: 'owner',
    });
    if (!started) return false;
    // Added after the commit: the flow's first step looks the row up by this flowId, and a flow
    // added inside the transaction could run before the commit and find no such row.
    try {
      await this.flows.start(data);
    } catch (error) {
      // Back to issued, so that the next run tries again.
      await this.dataSource
        .getRepository(CertificateEntity)
        .update(
          { id: certificate.id, status: 'renewing', flowId },
          { status: 'issued', flowId: certificate.flowId, version: certificate.version },
        );
      throw error;
    }
    return true;
  }
}
