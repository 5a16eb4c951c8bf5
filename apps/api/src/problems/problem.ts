import { HttpException, NotFoundException } from '@nestjs/common';
import { isDatabaseUnavailable } from '@starchart/persistence';
import { STATUS_CODES } from 'node:http';
import {
  ApiError,
  type FieldError,
  MalformedJsonError,
  PayloadTooLargeError,
  RouteNotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from './api-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'urn:starchart:problem:';

/** An RFC 9457 problem document with the extensions every Starchart error carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  retryable: boolean;
  errors: FieldError[];
  instance?: string;
  requestId?: string;
}

export interface MappedProblem {
  problem: Problem;
  headers: Record<string, string>;
  /** True for faults of our own: logged with their stack, never shown to the client. */
  unexpected: boolean;
}

export const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Turns anything thrown while serving a request into the problem the client sees. Errors we
 * did not raise on purpose become a bare 500 so that internals never leak.
 */
export function toProblem(error: unknown): MappedProblem {
  const apiError =
    error instanceof ApiError
      ? error
      : (fromInfrastructureError(error) ?? fromFrameworkError(error));
  if (apiError) {
    return {
      problem: {
        type: `${PROBLEM_TYPE_BASE}${apiError.kind}`,
        title: apiError.title,
        status: apiError.status,
        detail: apiError.detail,
        retryable: apiError.retryable,
        errors: [...apiError.fieldErrors],
      },
      headers: apiError.headers(),
      unexpected: false,
    };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const status = error.getStatus();
    const title = STATUS_CODES[status] ?? 'Request refused';
    return {
      problem: {
        type: 'about:blank',
        title,
        status,
        detail: title,
        retryable: status === 408,
        errors: [],
      },
      headers: {},
      unexpected: false,
    };
  }
  return {
    problem: {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server failed to handle this request. It has been logged; try again later.',
      retryable: true,
      errors: [],
    },
    headers: {},
    unexpected: true,
  };
}

/** A dependency that is down is not a bug of ours: the client may retry, and nothing was committed. */
function fromInfrastructureError(error: unknown): ApiError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  return new ServiceUnavailableError(
    'The database cannot be reached right now, so nothing was changed. Try again in a few seconds.',
  );
}

/** Nest and body-parser report routing and body errors as HttpExceptions; give them our shape. */
function fromFrameworkError(error: unknown): ApiError | undefined {
  if (!(error instanceof HttpException)) return undefined;
  if (error instanceof NotFoundException) {
    return new RouteNotFoundError('There is no endpoint at this path with this method.');
  }
  const status = error.getStatus();
  // Nest's Express adapter wraps body-parser's JSON.parse failure as a 400 with the SyntaxError as cause.
  if (status === 400 && error.cause instanceof SyntaxError) {
    return new MalformedJsonError(`The body could not be parsed as JSON: ${error.cause.message}`);
  }
  if (status === 413) {
    return new PayloadTooLargeError(
      `The request body is larger than ${BODY_LIMIT_BYTES / 1024} kB, the most this api accepts.`,
    );
  }
  if (status === 415) {
    return new UnsupportedMediaTypeError(
      'The request body is in an encoding or charset this api does not accept; send UTF-8 JSON.',
    );
  }
  return undefined;
}
