import { Inject, Injectable, Logger } from '@nestjs/common';
import { AcmeAccountsRepository, type AcmeAccountEntity } from '@starchart/persistence';
import * as acme from 'acme-client';
import type { AcmeConfig } from '../cert-flow-options';
import {
  AcmeAccountRefusedError,
  AcmeRateLimitedError,
  AcmeRefusedError,
  AcmeUnavailableError,
} from '../errors';
import { KeyCipher } from '../key-cipher';
import { configureAcmeHttp } from './acme-http';
import { CaPause } from './ca-pause';

export const ACME_CONFIG = Symbol('ACME_CONFIG');

const ACCOUNT_LOCK_TIMEOUT_S = 30;

/**
 * The ACME client of this process, on the one account of this deployment: the configured key,
 * or one created the first time any worker needs it and kept, encrypted, in acme_accounts.
 * Creation happens under a database lock so that two workers starting together share one.
 *
 * A CA may forget the account (a CA that lost its data, like Pebble after a restart) or refuse
 * it (deactivated). Then the account is registered again, with the same key when the CA still
 * accepts it and with a new one otherwise, the stored account is updated, and the request that
 * met the refusal runs once more.
 *
 * A rateLimited answer to any request pauses new orders across every worker (CaPause).
 */
@Injectable()
export class AcmeAccountService {
  private readonly logger = new Logger(AcmeAccountService.name);
  private current: Promise<acme.Client> | undefined;
  /** The client whose refusal the registration in `current` answers. */
  private refused: acme.Client | undefined;

  constructor(
    @Inject(ACME_CONFIG) private readonly config: AcmeConfig,
    private readonly cipher: KeyCipher,
    private readonly accounts: AcmeAccountsRepository,
    private readonly pause: CaPause,
  ) {}

  /**
   * Runs `work` with the account's client. When the CA refuses the account, registers it again
   * and runs `work` once more; a second refusal is final. A rateLimited answer sets the pause,
   * then passes on.
   */
  async withClient<T>(work: (client: acme.Client) => Promise<T>): Promise<T> {
    try {
      return await this.withAccount(work);
    } catch (error) {
      if (!(error instanceof AcmeRateLimitedError)) throw error;
      const until = await this.pause.rateLimited(error.retryAfterMs);
      this.logger.warn(`${error.message}; new orders pause until ${until.toISOString()}`);
      throw new AcmeRateLimitedError(error.message, error.retryAfterMs, until, { cause: error });
    }
  }

  private async withAccount<T>(work: (client: acme.Client) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await work(client);
    } catch (error) {
      if (!(error instanceof AcmeAccountRefusedError)) throw error;
      const registered = await this.registerAgain(client);
      try {
        return await work(registered);
      } catch (retryError) {
        if (!(retryError instanceof AcmeAccountRefusedError)) throw retryError;
        throw new AcmeRefusedError(
          `the CA refused the ACME account even after it was registered again: ${retryError.message}`,
          { cause: retryError },
        );
      }
    }
  }

  private client(): Promise<acme.Client> {
    this.current ??= this.remember(this.openClient());
    return this.current;
  }

  /** Keeps `client` as the current one until it fails; then the next caller opens anew. */
  private remember(client: Promise<acme.Client>): Promise<acme.Client> {
    const current = client.catch((error: unknown) => {
      if (this.current === current) this.current = undefined;
      throw error;
    });
    return current;
  }

  /** Jobs of this process that met the same refusal share one registration. */
  private registerAgain(refused: acme.Client): Promise<acme.Client> {
    if (this.refused !== refused || this.current === undefined) {
      this.refused = refused;
      this.current = this.remember(this.register(refused.getAccountUrl()));
    }
    return this.current;
  }

  private async openClient(): Promise<acme.Client> {
    configureAcmeHttp(this.config.caCertPem);
    const { directoryUrl, accountKeyPem } = this.config;
    if (accountKeyPem !== undefined) return this.createAccount(accountKeyPem);
    const stored = await this.accounts.find(directoryUrl);
    if (stored) return this.clientFor(stored);
    return this.withAccountLock(async () => {
      const existing = await this.accounts.find(directoryUrl);
      if (existing) return this.clientFor(existing);
      const client = await this.storeNewAccount(await newAccountKey());
      this.logger.log(`created the ACME account at ${directoryUrl}`);
      return client;
    });
  }

  private async register(refusedUrl: string): Promise<acme.Client> {
    const { directoryUrl, accountKeyPem } = this.config;
    if (accountKeyPem !== undefined) {
      try {
        return await this.createAccount(accountKeyPem);
      } catch (error) {
        if (!(error instanceof AcmeAccountRefusedError)) throw error;
        throw new AcmeRefusedError(
          `the CA refuses the configured ACME account key, deactivated perhaps: ${error.message}`,
          { cause: error },
        );
      }
    }
    return this.withAccountLock(async () => {
      const stored = await this.accounts.find(directoryUrl);
      // Another worker registered it again meanwhile.
      if (stored && stored.accountUrl !== refusedUrl) return this.clientFor(stored);
      if (stored) {
        try {
          const client = await this.storeNewAccount(
            this.cipher.decrypt(stored.accountKeyEncrypted),
          );
          this.logger.warn(
            `the CA at ${directoryUrl} refused the ACME account ${refusedUrl}: ` +
              `registered its key again as ${client.getAccountUrl()}`,
          );
          return client;
        } catch (error) {
          // The CA refuses the key itself: its account is deactivated.
          if (!(error instanceof AcmeAccountRefusedError)) throw error;
        }
      }
      const client = await this.storeNewAccount(await newAccountKey());
      this.logger.warn(
        `the CA at ${directoryUrl} refuses the ACME account ${refusedUrl} and its key: ` +
          `registered a new key as ${client.getAccountUrl()}`,
      );
      return client;
    });
  }

  /**
   * The account the CA has for `accountKey`, registered first if it has none. Asked with
   * `onlyReturnExisting` (RFC 8555 §7.3.1): registering a known key again makes acme-client
   * follow up with an account update that, without a change in it, a CA may refuse (Pebble
   * answers "Use POST-as-GET … instead of doing an empty update").
   */
  private async createAccount(accountKey: string): Promise<acme.Client> {
    const client = new acme.Client({ directoryUrl: this.config.directoryUrl, accountKey });
    try {
      await client.createAccount({ onlyReturnExisting: true });
    } catch (error) {
      if (!isAccountDoesNotExist(error)) throw error;
      await client.createAccount(this.accountRequest());
    }
    return client;
  }

  private async storeNewAccount(accountKey: string): Promise<acme.Client> {
    const client = await this.createAccount(accountKey);
    await this.accounts.store({
      directoryUrl: this.config.directoryUrl,
      accountKeyEncrypted: this.cipher.encrypt(accountKey),
      accountUrl: client.getAccountUrl(),
    });
    return client;
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
    const locked = await this.accounts.withRegistrationLock(ACCOUNT_LOCK_TIMEOUT_S, work);
    if (!locked)
      throw new AcmeUnavailableError('another worker is still registering the ACME account');
    return locked.value;
  }
}

async function newAccountKey(): Promise<string> {
  return (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
}

/** The CA's answer to `onlyReturnExisting` for a key it has no account for. */
function isAccountDoesNotExist(error: unknown): boolean {
  return (
    error instanceof AcmeAccountRefusedError &&
    error.message.includes('urn:ietf:params:acme:error:accountDoesNotExist')
  );
}
