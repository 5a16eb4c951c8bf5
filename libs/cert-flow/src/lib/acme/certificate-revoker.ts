import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import type { AcmeConfig, EncryptionConfig } from '../cert-flow-options';
import * as acme from 'acme-client';
import { AcmeAccountRefusedError, AcmeRefusedError } from '../errors';
import { KeyCipher } from '../key-cipher';
import { ACME_CONFIG, AcmeAccountService } from './acme-account.service';

/** RFC 5280 CRLReason cessationOfOperation: the names are no longer used. */
export const CESSATION_OF_OPERATION = 5;
const ALREADY_REVOKED = 'urn:ietf:params:acme:error:alreadyRevoked';
const UNAUTHORIZED = 'urn:ietf:params:acme:error:unauthorized';

/** The CA refused to revoke the certificate; `detail` is its answer. */
export class RevocationRefusedError extends AcmeRefusedError {}

/**
 * Revokes certificates at the CA on the deployment's ACME account (the one that ordered them).
 * A certificate the CA says is revoked already counts as revoked; a CA that cannot be reached
 * throws AcmeUnavailableError, one that refuses RevocationRefusedError with its reason.
 */
@Injectable()
export class CertificateRevoker {
  constructor(private readonly account: AcmeAccountService) {}

  async revoke(certificatePem: string): Promise<void> {
    try {
      await this.account.withClient((client) => revokeWithClient(client, certificatePem));
    } catch (error) {
      if (!(error instanceof AcmeRefusedError)) throw error;
      if (error.message.includes(ALREADY_REVOKED)) return;
      if (error instanceof RevocationRefusedError) throw error;
      throw new RevocationRefusedError(error.message, { cause: error });
    }
  }
}

/**
 * An `unauthorized` answer to a revocation is the CA refusing this account the certificate, not
 * refusing the account: it is not registered again (an account the CA forgot still is).
 */
async function revokeWithClient(client: acme.Client, certificatePem: string): Promise<void> {
  try {
    await client.revokeCertificate(certificatePem, { reason: CESSATION_OF_OPERATION });
  } catch (error) {
    if (error instanceof AcmeAccountRefusedError && error.message.includes(UNAUTHORIZED))
      throw new RevocationRefusedError(error.message, { cause: error });
    throw error;
  }
}

/** CertificateRevoker for the api: the ACME account without any flow worker. */
@Module({})
export class CertRevocationModule {
  static forRoot(options: { acme: AcmeConfig; encryption: EncryptionConfig }): DynamicModule {
    return {
      module: CertRevocationModule,
      global: true,
      providers: [
        { provide: ACME_CONFIG, useValue: options.acme },
        {
          provide: KeyCipher,
          useFactory: () => new KeyCipher(options.encryption.key, options.encryption.retiredKeys),
        },
        AcmeAccountService,
        CertificateRevoker,
      ],
      exports: [CertificateRevoker],
    };
  }
}
