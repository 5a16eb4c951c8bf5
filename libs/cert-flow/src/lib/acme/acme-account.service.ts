import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AcmeAccountEntity } from '@starchart/persistence';
import * as acme from 'acme-client';
import { DataSource, type Repository } from 'typeorm';
import type { AcmeConfig } from '../cert-flow-options';
import { AcmeUnavailableError } from '../errors';
import { KeyCipher } from '../key-cipher';
import { configureAcmeHttp } from './acme-http';

export const ACME_CONFIG = Symbol('ACME_CONFIG');

const ACCOUNT_LOCK = 'starchart_acme_account';
const ACCOUNT_LOCK_TIMEOUT_S = 30;

/**
 * The ACME client of this process, on the one account of this deployment: the configured key,
 * or one created the first time any worker needs it and kept, encrypted, in acme_accounts.
 * Creation happens under a database lock so that two workers starting together share one.
 */
@Injectable()
export class AcmeAccountService {
  private readonly logger = new Logger(AcmeAccountService.name);
  private client: Promise<acme.Client> | undefined;

  constructor(
    @Inject(ACME_CONFIG) private readonly config: AcmeConfig,
    private readonly cipher: KeyCipher,
    private readonly dataSource: DataSource,
    @InjectRepository(AcmeAccountEntity) private readonly accounts: Repository<AcmeAccountEntity>,
  ) {}

  getClient(): Promise<acme.Client> {
    this.client ??= this.openClient().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async openClient(): Promise<acme.Client> {
    configureAcmeHttp(this.config.caCertPem);
    const { directoryUrl } = this.config;
    if (this.config.accountKeyPem !== undefined) {
      const client = new acme.Client({ directoryUrl, accountKey: this.config.accountKeyPem });
      await client.createAccount(this.accountRequest());
      return client;
    }
    const stored = await this.accounts.findOneBy({ directoryUrl });
    if (stored) return this.clientFor(stored);
    return this.withAccountLock(async () => {
      const existing = await this.accounts.findOneBy({ directoryUrl });
      if (existing) return this.clientFor(existing);
      const accountKey = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
      const client = new acme.Client({ directoryUrl, accountKey });
      await client.createAccount(this.accountRequest());
      await this.accounts.insert({
        directoryUrl,
        accountKeyEncrypted: this.cipher.encrypt(accountKey),
        accountUrl: client.getAccountUrl(),
      });
      this.logger.log(`created the ACME account at ${directoryUrl}`);
      return client;
    });
  }

  private clientFor(account: AcmeAccountEntity): acme.Client {
    return new acme.Client({
      directoryUrl: account.directoryUrl,
      accountKey: this.cipher.decrypt(account.accountKeyEncrypted),
      accountUrl: account.accountUrl,
    });
  }

  private accountRequest(): { termsOfServiceAgreed: true; contact?: string[] } {
    const email = this.config.contactEmail;
    return { termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) };
  }

  private async withAccountLock<T>(work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = await runner.manager.query<{ acquired: number | null }[]>(
        'SELECT GET_LOCK(?, ?) AS acquired',
        [ACCOUNT_LOCK, ACCOUNT_LOCK_TIMEOUT_S],
      );
      if (lock?.acquired !== 1)
        throw new AcmeUnavailableError('another worker is still creating the ACME account');
      try {
        return await work();
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [ACCOUNT_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
