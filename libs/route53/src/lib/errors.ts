import { InvalidChangeBatch, Route53ServiceException } from '@aws-sdk/client-route-53';

/** Every failure this library reports; `retryable` tells a job whether trying again can help. */
export class Route53Error extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Throttling or PriorRequestNotComplete that outlasted this library's own retries. */
export class Route53ThrottledError extends Route53Error {
  constructor(message: string, code = 'Throttling', options?: { cause?: unknown }) {
    super(message, code, true, options);
  }
}

/** 5xx, timeouts and refused connections that outlasted this library's own retries. */
export class Route53UnavailableError extends Route53Error {
  constructor(message: string, code = 'ServiceUnavailable', options?: { cause?: unknown }) {
    super(message, code, true, options);
  }
}

/** Route 53 refused this change; the message is its reason for this change alone. */
export class InvalidChangeError extends Route53Error {
  constructor(message: string, code = 'InvalidChangeBatch', options?: { cause?: unknown }) {
    super(message, code, false, options);
  }
}

/** A DELETE of a record set that is not there: callers that want it gone can treat it as done. */
export class RecordSetNotFoundError extends InvalidChangeError {}

/** A CREATE of a record set that already exists. */
export class RecordSetExistsError extends InvalidChangeError {}

/**
 * Route 53 refused a change that adds a record set because the hosted zone holds its quota
 * (MAX_RRSETS_BY_ZONE, 10,000 by default). Not retryable: room comes only from deletes or from
 * AWS raising the quota, and a retry loop would spend the shared rate limit meanwhile.
 */
export class ZoneFullError extends InvalidChangeError {
  constructor(
    message: string,
    readonly count: number,
    readonly max: number,
    options?: { cause?: unknown },
  ) {
    super(
      `the hosted zone holds ${count} record sets and its quota (MAX_RRSETS_BY_ZONE) is ${max}: ${message}`,
      'InvalidChangeBatch',
      options,
    );
  }
}

/** Credentials, permissions or the hosted zone itself are wrong: no retry can help. */
export class Route53AccessDeniedError extends Route53Error {
  constructor(message: string, code = 'AccessDenied', options?: { cause?: unknown }) {
    super(message, code, false, options);
  }
}

/** GetChange for an id Route 53 does not know (ids expire after some months, or a typo). */
export class ChangeNotFoundError extends Route53Error {
  constructor(message: string, code = 'NoSuchChange', options?: { cause?: unknown }) {
    super(message, code, false, options);
  }
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'PriorRequestNotComplete',
]);

const ACCESS_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'NoSuchHostedZone',
]);

const INVALID_CHANGE_CODES = new Set(['InvalidChangeBatch', 'InvalidInput']);

/** Socket-level failures Node reports by code; the SDK passes them through untouched. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Maps whatever the SDK threw to this library's errors, deciding once what is worth a retry. */
export function toRoute53Error(error: unknown): Route53Error {
  if (error instanceof Route53Error) return error;
  if (error instanceof Route53ServiceException) {
    const code = error.name;
    const status = error.$metadata.httpStatusCode;
    const message = `${code}: ${error.message}`;
    if (THROTTLING_CODES.has(code) || status === 429) {
      return new Route53ThrottledError(message, code, { cause: error });
    }
    if (ACCESS_CODES.has(code) || status === 401 || status === 403) {
      return new Route53AccessDeniedError(message, code, { cause: error });
    }
    if (INVALID_CHANGE_CODES.has(code)) {
      return new InvalidChangeError(invalidChangeReason(error), code, { cause: error });
    }
    if (code === 'NoSuchChange') return new ChangeNotFoundError(message, code, { cause: error });
    if (error.$fault === 'server' || (status !== undefined && status >= 500)) {
      return new Route53UnavailableError(message, code, { cause: error });
    }
    return new Route53Error(message, code, false, { cause: error });
  }
  if (error instanceof Error) {
    const code = errorCode(error);
    if (error.name === 'TimeoutError' || error.name === 'AbortError' || NETWORK_CODES.has(code)) {
      return new Route53UnavailableError(`${code}: ${error.message}`, code, { cause: error });
    }
    if (error.name === 'CredentialsProviderError') {
      return new Route53AccessDeniedError(error.message, error.name, { cause: error });
    }
    return new Route53Error(error.message, code, false, { cause: error });
  }
  return new Route53Error(String(error), 'Unknown', false, { cause: error });
}

function errorCode(error: Error): string {
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : error.name;
}

/**
 * Route 53 gives the reasons of a refused batch either as a Messages list or in brackets in
 * the message; for a batch of one change, either is the reason for that change.
 */
function invalidChangeReason(error: Route53ServiceException): string {
  const messages = error instanceof InvalidChangeBatch ? (error.messages ?? []) : [];
  const text = messages.length > 0 ? messages.join('; ') : error.message;
  return text.replace(/^\[(.*)\]$/s, '$1');
}

/** Narrows an InvalidChangeError about one change to the cases callers handle differently. */
export function classifyRefusedChange(error: InvalidChangeError): InvalidChangeError {
  if (/but it was not found/i.test(error.message)) {
    return new RecordSetNotFoundError(error.message, error.code, { cause: error.cause });
  }
  if (/but it already exists/i.test(error.message)) {
    return new RecordSetExistsError(error.message, error.code, { cause: error.cause });
  }
  return error;
}
