import { Injectable } from '@nestjs/common';
import type * as acme from 'acme-client';
import { AcmeAccountRefusedError, AcmeRefusedError, RevocationRefusedError } from '../errors';
import { AcmeAccountService } from './acme-account.service';

/** RFC 5280 CRLReason cessationOfOperation: the names are no longer used. */
export const CESSATION_OF_OPERATION = 5;
const ALREADY_REVOKED = 'urn:ietf:params:acme:error:alreadyRevoked';
const UNAUTHORIZED = 'urn:ietf:params:acme:error:unauthorized';

/**
 * Revokes certificates at the CA on the deployment's ACME account (the one that ordered them).
 * Returns 'already-revoked' when the CA says so (a retry after a crash that revoked it, or
 * someone else revoked it): either way the CA will not trust it any more. A CA that cannot be
 * reached throws AcmeUnavailableError (retried), one that refuses RevocationRefusedError.
 */
@Injectable()
export class CertificateRevoker {
  constructor(private readonly account: AcmeAccountService) {}

  async revoke(certificatePem: string): Promise<'revoked' | 'already-revoked'> {
    try {
      await this.account.withClient((client) => revokeWithClient(client, certificatePem));
      return 'revoked';
    } catch (error) {
      if (!(error instanceof AcmeRefusedError)) throw error;
      if (error.message.includes(ALREADY_REVOKED)) return 'already-revoked';
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
