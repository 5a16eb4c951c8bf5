import { UnrecoverableError } from 'bullmq';

/** A failure of the certificate flow that knows whether another attempt could succeed. */
export abstract class CertFlowError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The ACME server is down, overloaded or rate limiting (5xx, 429, connection refused). */
export class AcmeUnavailableError extends CertFlowError {
  readonly retryable = true;
}

/** The ACME server refused the request (4xx other than badNonce and rateLimited). */
export class AcmeRefusedError extends CertFlowError {
  readonly retryable = false;
}

/** The order or one of its authorizations went invalid or expired: only a new order can help. */
export class OrderInvalidError extends CertFlowError {
  readonly retryable = false;
}

/** The order did not become ready (or valid) before the deadline. */
export class OrderTimeoutError extends CertFlowError {
  readonly retryable = false;
}

/** Route 53 refused the challenge record or denied access to the zone. */
export class ChallengeRecordRefusedError extends CertFlowError {
  readonly retryable = false;
}

/** The challenge record never showed up in Route 53 and the authoritative DNS before the deadline. */
export class ChallengePropagationTimeoutError extends CertFlowError {
  readonly retryable = false;
}

/** The certificate row was deleted while its flow ran. */
export class CertificateGoneError extends CertFlowError {
  readonly retryable = false;

  constructor(certificateId: string) {
    super(`certificate ${certificateId} no longer exists`);
  }
}

/** A step this one depends on failed for good; its reason goes on unchanged to the root. */
export class DependencyFailedError extends CertFlowError {
  readonly retryable = false;
}

/** A job whose payload or child result this code cannot read. */
export class MalformedJobError extends CertFlowError {
  readonly retryable = false;
}

/** A stored secret cannot be decrypted with any configured key. */
export class SecretDecryptionError extends CertFlowError {
  readonly retryable = false;
}

function isPermanent(error: unknown): error is Error & { retryable: false } {
  return error instanceof Error && 'retryable' in error && error.retryable === false;
}

/**
 * What a processor throws: UnrecoverableError fails the job at once, skipping its remaining
 * attempts; anything else goes through the job's exponential backoff.
 */
export function toJobFailure(error: unknown): Error {
  if (isPermanent(error)) return new UnrecoverableError(error.message);
  return error instanceof Error ? error : new Error(String(error));
}
