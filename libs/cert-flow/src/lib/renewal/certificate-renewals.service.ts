import { Inject, Injectable, Logger } from '@nestjs/common';
import { CertificateEntity } from '@starchart/persistence';
import { DataSource, LessThan } from 'typeorm';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import { CertFlowService, toCertJobData } from '../cert-flow.service';

const DAY_MS = 86_400_000;

/**
 * Finds issued certificates that expire within the renewal window and starts one renewal flow
 * for each. Safe to run twice at once: the status moves from issued to renewing only for the
 * run whose conditional update wins, and the flow's job ids derive from the certificate's id
 * and validTo, so a second add adds nothing.
 */
@Injectable()
export class CertificateRenewals {
  private readonly logger = new Logger(CertificateRenewals.name);

  constructor(
    private readonly dataSource: DataSource,
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

  private renew(certificate: CertificateEntity): Promise<boolean> {
    const data = toCertJobData('renew', certificate);
    // A failed flow start rolls the status back, so the next run tries again.
    return this.dataSource.transaction(async (manager) => {
      const { affected } = await manager.update(
        CertificateEntity,
        { id: certificate.id, status: 'issued', validTo: certificate.validTo ?? undefined },
        { status: 'renewing', statusReason: null, flowId: this.flows.flowIdFor(data) },
      );
      if (affected !== 1) return false;
      await this.flows.start(data);
      return true;
    });
  }
}
