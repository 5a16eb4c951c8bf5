import { Inject, Injectable } from '@nestjs/common';
import { CertificatesRepository, type CertificateEntity } from '@starchart/persistence';
import * as acme from 'acme-client';
import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AcmeAccountService } from '../acme/acme-account.service';
import { toOrder } from '../acme/acme-order';
import { CERT_STEP_SETTINGS, type CertKeyType, type CertStepSettings } from '../cert-flow-options';
import { CertificateGoneError, OrderInvalidError, OrderLostError } from '../errors';
import { certFlowIdFor } from '../flow';
import type { CertJobData, CreateAcmeOrderResult, FinalizeCertificateResult } from '../job-data';
import { KeyCipher } from '../key-cipher';
import { rowOfFlow } from './order-row';

// After finalize the CA signs within seconds; the key exists only in this job's memory, so the
// wait happens here rather than in a delayed job.
const SIGNING_WAIT_MS = 60_000;
const SIGNING_POLL_MS = 500;

/**
 * finalize-certificate: a fresh key and CSR, the signed certificate, stored with the key sealed.
 * The key never leaves this job's memory unsealed; the store is conditional on the row still
 * belonging to this flow.
 */
@Injectable()
export class CertificateSigning {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly account: AcmeAccountService,
    private readonly cipher: KeyCipher,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
  ) {}

  async finalize(
    job: CertJobData,
    checked: CreateAcmeOrderResult,
  ): Promise<FinalizeCertificateResult> {
    const row = await rowOfFlow(this.certificates, job);
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
    const stored = await this.certificates.storeSigned(job.certificateId, certFlowIdFor(job), {
      certificatePem: leaf,
      chainPem: chain.join('\n'),
      privateKeyEncrypted: this.cipher.encrypt(key.toString()),
      validFrom,
      validTo,
    });
    if (!stored) throw new CertificateGoneError(job.certificateId);
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
}

async function createKey(type: CertKeyType): Promise<Buffer> {
  return type === 'rsa-2048'
    ? acme.crypto.createPrivateRsaKey(2048)
    : acme.crypto.createPrivateEcdsaKey('P-256');
}
