import { FlowError } from '@starchart/flow-runtime';

/** The ACME server is down or overloaded (5xx, connection refused). */
export class AcmeUnavailableError extends FlowError {
  readonly retryable = true;
}

/**
 * The CA answered `urn:ietf:params:acme:error:rateLimited` (or a 429): it names when to come back
 * in Retry-After, or not. New orders pause across every worker (CaPause); a step that met it
 * elsewhere is retried by its backoff.
 */
export class AcmeRateLimitedError extends FlowError {
  readonly retryable = true;

  constructor(
    message: string,
    /** From the answer's Retry-After; undefined when it named none. */
    readonly retryAfterMs: number | undefined,
    /** The pause it set, once recorded (AcmeAccountService). */
    readonly pausedUntil?: Date,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The CA does not accept our account: it forgot it (accountDoesNotExist, e.g. a CA that lost its
 * data) or refuses it (unauthorized, e.g. a deactivated account). Registering the account again
 * and repeating the request can succeed.
 */
export class AcmeAccountRefusedError extends FlowError {
  readonly retryable = true;
}

/** The ACME server refused the request (4xx other than badNonce, rateLimited and account problems). */
export class AcmeRefusedError extends FlowError {
  readonly retryable = false;
}

/** The CA refused to revoke a certificate; the message is its answer. */
export class RevocationRefusedError extends AcmeRefusedError {}

/** The order or one of its authorizations went invalid or expired: only a new order can help. */
export class OrderInvalidError extends FlowError {
  readonly retryable = false;
}

/**
 * The order cannot go on, though a new one can: the CA no longer knows it (a CA that lost its
 * data, as Pebble on every restart), or an attempt that crashed finalized it with a key that was
 * not kept. The root then fails its job instead of writing failed, and the safety net orders
 * again (CertificateResumer).
 */
export class OrderLostError extends FlowError {
  readonly retryable = false;

  constructor(detail: string, options?: ErrorOptions) {
    super(`${ORDER_LOST} ${detail}`, options);
  }
}

// The start of every OrderLostError's message: the root reads its child's failure as text only.
const ORDER_LOST = 'the order was lost:';

/** Whether a step's failure reason is an OrderLostError's. */
export function isOrderLost(reason: string): boolean {
  return reason.startsWith(ORDER_LOST);
}

/** The order did not become ready (or valid) before the deadline. */
export class OrderTimeoutError extends FlowError {
  readonly retryable = false;
}

/** Route 53 refused the challenge record or denied access to the zone. */
export class ChallengeRecordRefusedError extends FlowError {
  readonly retryable = false;
}

/** The challenge record never showed up in Route 53 and the authoritative DNS before the deadline. */
export class ChallengePropagationTimeoutError extends FlowError {
  readonly retryable = false;
}

/** The certificate row was deleted while its flow ran. */
export class CertificateGoneError extends FlowError {
  readonly retryable = false;

  constructor(certificateId: string) {
    super(`certificate ${certificateId} no longer exists`);
  }
}

/** A stored secret cannot be decrypted with any configured key. */
export class SecretDecryptionError extends FlowError {
  readonly retryable = false;
}

/** CAA at the person's names forbids the configured CA to issue: ordering would only fail. */
export class CaaForbidsIssuanceError extends FlowError {
  readonly retryable = false;
}

/** CAA could not be read (SERVFAIL, a timeout): the CA could not either, so try again. */
export class CaaLookupError extends FlowError {
  readonly retryable = true;
}
