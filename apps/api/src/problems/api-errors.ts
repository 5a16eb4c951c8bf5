/** One offending input field and what is wrong with it, as a person would say it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Every error the api answers on purpose. The one exception filter turns it into
 * application/problem+json; `retryable` tells clients (and logs) whether the same request
 * can succeed later without being changed.
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  /** Stable, machine-readable problem kind: the last part of the problem `type` URI. */
  abstract readonly kind: string;
  abstract readonly title: string;
  abstract readonly retryable: boolean;

  constructor(
    readonly detail: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(detail);
    this.name = new.target.name;
  }

  /** Response headers that belong to this problem (WWW-Authenticate, Retry-After). */
  headers(): Record<string, string> {
    return {};
  }
}

export class InvalidInputError extends ApiError {
  readonly status = 400;
  readonly kind = 'invalid-input';
  readonly title = 'The request is not valid';
  readonly retryable = false;

  constructor(fieldErrors: readonly FieldError[]) {
    super(
      fieldErrors.length === 1
        ? `${fieldErrors[0]?.field}: ${fieldErrors[0]?.message}`
        : `${fieldErrors.length} fields are not valid: ${fieldErrors.map((e) => e.field).join(', ')}`,
      fieldErrors,
    );
  }
}

export class MalformedJsonError extends ApiError {
  readonly status = 400;
  readonly kind = 'malformed-json';
  readonly title = 'The request body is not valid JSON';
  readonly retryable = false;
}

export class AuthenticationError extends ApiError {
  readonly status = 401;
  readonly kind = 'unauthenticated';
  readonly title = 'Authentication required';
  readonly retryable = false;

  /** `tokenPresented` false means no credentials at all, which RFC 6750 answers without an error code. */
  constructor(
    detail: string,
    private readonly tokenPresented: boolean,
  ) {
    super(detail);
  }

  override headers(): Record<string, string> {
    if (!this.tokenPresented) return { 'WWW-Authenticate': 'Bearer realm="starchart"' };
    const description = this.detail.replace(/["\\]/g, "'");
    return {
      'WWW-Authenticate': `Bearer realm="starchart", error="invalid_token", error_description="${description}"`,
    };
  }
}

export class ForbiddenError extends ApiError {
  readonly status = 403;
  readonly kind = 'forbidden';
  readonly title = 'Not allowed';
  readonly retryable = false;
}

export class RouteNotFoundError extends ApiError {
  readonly status = 404;
  readonly kind = 'route-not-found';
  readonly title = 'No such endpoint';
  readonly retryable = false;
}

export class RecordNotFoundError extends ApiError {
  readonly status = 404;
  readonly kind = 'record-not-found';
  readonly title = 'Record not found';
  readonly retryable = false;

  constructor(id: string) {
    super(`There is no record with id ${id}.`);
  }
}

/** The record would clash with one that exists: the same name and type, or a CNAME beside other data. */
export class RecordConflictError extends ApiError {
  readonly status = 409;
  readonly kind = 'record-conflict';
  readonly title = 'The record conflicts with an existing record';
  readonly retryable = false;

  constructor(detail: string, field: 'name' | 'type' = 'name') {
    super(detail, [{ field, message: detail }]);
  }
}

/** A flow for the record is still running; a second change would race it. */
export class RecordBusyError extends ApiError {
  readonly status = 409;
  readonly kind = 'record-busy';
  readonly title = 'The record is still being changed';
  // Retrying the same request succeeds once the running flow has settled.
  readonly retryable = true;
}

/** The record is being deleted (by its owner, or because it expired): there is nothing to renew. */
export class RecordBeingRemovedError extends ApiError {
  readonly status = 409;
  readonly kind = 'record-being-removed';
  readonly title = 'The record is being removed';
  readonly retryable = false;
}

export class QuotaExceededError extends ApiError {
  readonly status = 409;
  readonly kind = 'quota-exceeded';
  readonly title = 'Record quota reached';
  readonly retryable = false;

  constructor(quota: number) {
    super(
      `You may have at most ${quota} records and have reached that. Delete one to add another.`,
    );
  }
}

/**
 * The hosted zone every record lives in holds as many record sets as Route 53 allows it
 * (MAX_RRSETS_BY_ZONE). 409 like the person's own quota, not a 5xx: nothing failed, the request
 * conflicts with the zone's state, and clients must not retry it by themselves; only deletes or
 * an operator raising the quota make room.
 */
export class ZoneFullError extends ApiError {
  readonly status = 409;
  readonly kind = 'zone-full';
  readonly title = 'The DNS zone is full';
  readonly retryable = false;

  constructor(count: number, max: number) {
    super(
      `Starchart's DNS zone holds ${count} record sets, as many as Route 53 allows it (${max}), ` +
        'so no record can be added now and nothing was saved. Deleted records make room; ' +
        "an operator can ask AWS to raise the zone's quota.",
    );
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly status = 413;
  readonly kind = 'payload-too-large';
  readonly title = 'The request body is too large';
  readonly retryable = false;
}

/** Node's HTTP parser refused the request before the app saw it: oversized headers, bad syntax, a slow client. */
export class MalformedRequestError extends ApiError {
  readonly kind = 'malformed-request';
  readonly title = 'The request could not be read';
  readonly retryable = false;

  constructor(
    readonly status: 400 | 408 | 431,
    detail: string,
  ) {
    super(detail);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  readonly status = 415;
  readonly kind = 'unsupported-media-type';
  readonly title = 'The request body must be JSON';
  readonly retryable = false;
}

/** The Idempotency-Key was already used for a request with a different body. */
export class IdempotencyKeyReusedError extends ApiError {
  readonly status = 422;
  readonly kind = 'idempotency-key-reused';
  readonly title = 'Idempotency-Key already used for another request';
  readonly retryable = false;

  constructor() {
    super(
      'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
      [{ field: 'Idempotency-Key', message: 'was already used with a different request body' }],
    );
  }
}

export class RateLimitedError extends ApiError {
  readonly status = 429;
  readonly kind = 'rate-limited';
  readonly title = 'Too many requests';
  readonly retryable = true;

  constructor(
    limitPerMinute: number,
    private readonly retryAfterSeconds: number,
  ) {
    super(
      `You may make ${limitPerMinute} changes per minute. Try again in ${retryAfterSeconds} s.`,
    );
  }

  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** A dependency (Redis, the database) did not answer; nothing was changed. */
export class ServiceUnavailableError extends ApiError {
  readonly status = 503;
  readonly kind = 'service-unavailable';
  readonly title = 'Service temporarily unavailable';
  readonly retryable = true;

  constructor(
    detail: string,
    private readonly retryAfterSeconds = 5,
  ) {
    super(detail);
  }

  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

export class CertificateNotFoundError extends ApiError {
  readonly status = 404;
  readonly kind = 'certificate-not-found';
  readonly title = 'Certificate not found';
  readonly retryable = false;

  constructor(id: string) {
    super(`There is no certificate with id ${id}.`);
  }
}

/** An order for the certificate is still running; another order or a delete would race it. */
export class CertificateBusyError extends ApiError {
  readonly status = 409;
  readonly kind = 'certificate-busy';
  readonly title = 'The certificate is still being ordered';
  // Retrying the same request succeeds once the running order has settled.
  readonly retryable = true;
}

/** A delete without revocation (force) asked of a certificate whose revocation did not fail. */
export class CertificateForceDeleteRefusedError extends ApiError {
  readonly status = 409;
  readonly kind = 'certificate-force-delete-refused';
  readonly title = 'Only a certificate whose revocation failed can be deleted without revoking it';
  readonly retryable = false;
}

/** The user already holds an issued certificate; it renews by itself. */
export class CertificateExistsError extends ApiError {
  readonly status = 409;
  readonly kind = 'certificate-exists';
  readonly title = 'You already have a certificate';
  readonly retryable = false;
}

/** The certificate has no PEM to download yet. */
export class CertificateNotIssuedError extends ApiError {
  readonly status = 409;
  readonly kind = 'certificate-not-issued';
  readonly title = 'The certificate has not been issued';
  readonly retryable = true;
}

export class ReconcileRunNotFoundError extends ApiError {
  readonly status = 404;
  readonly kind = 'reconcile-run-not-found';
  readonly title = 'Reconcile run not found';
  readonly retryable = false;

  /** Without a job id: no run has finished yet. */
  constructor(jobId?: string) {
    super(
      jobId === undefined
        ? 'No reconcile run has finished yet; runs are kept for a week.'
        : `There is no reconcile run with job id ${jobId}; runs are kept for a week.`,
    );
  }
}

/** An admin locked the caller's account: their writes are refused until it is unlocked. */
export class AccountLockedError extends ApiError {
  readonly status = 403;
  readonly kind = 'account-locked';
  readonly title = 'Your account is locked';
  readonly retryable = false;

  constructor(reason: string) {
    super(
      `An administrator locked your account (reason: ${reason}). Your records stay as they are and can still be read.`,
    );
  }
}

export class UserNotFoundError extends ApiError {
  readonly status = 404;
  readonly kind = 'user-not-found';
  readonly title = 'User not found';
  readonly retryable = false;

  constructor(username: string) {
    super(`There is no user ${username}; a person appears once they have called the api.`);
  }
}

/** Only a record whose flow failed can be retried; any other is settled or still running. */
export class RecordNotInErrorError extends ApiError {
  readonly status = 409;
  readonly kind = 'record-not-in-error';
  readonly title = 'The record is not in error';
  readonly retryable = false;

  constructor(status: string) {
    super(`The record is ${status}; only a record in error can be retried.`);
  }
}
