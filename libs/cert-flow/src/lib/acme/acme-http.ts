import { FlowError } from '@starchart/flow-runtime';
import * as acme from 'acme-client';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { z } from 'zod';
import {
  AcmeAccountRefusedError,
  AcmeRateLimitedError,
  AcmeRefusedError,
  AcmeUnavailableError,
  OrderLostError,
} from '../errors';

const problemSchema = z.object({ type: z.string().optional(), detail: z.string().optional() });

// What axios rejects with when no answer came back at all (refused, reset, timed out).
const networkErrorSchema = z.object({ code: z.string(), response: z.undefined().optional() });

// What acme-client's axios rejects every answer with (it validates no status itself).
const answerErrorSchema = z.object({
  response: z.object({
    status: z.number(),
    // AxiosHeaders: a class, not a plain record; read by name below.
    headers: z.custom<object>((value) => typeof value === 'object' && value !== null),
    data: z.unknown(),
  }),
});

const BAD_NONCE = 'urn:ietf:params:acme:error:badNonce';
const RATE_LIMITED = 'urn:ietf:params:acme:error:rateLimited';
// What a CA answers a request signed for an account it lost, or for one that is deactivated.
const ACCOUNT_PROBLEMS: readonly (string | undefined)[] = [
  'urn:ietf:params:acme:error:accountDoesNotExist',
  'urn:ietf:params:acme:error:unauthorized',
];

let configured = false;

/**
 * acme-client talks through one axios instance of its own; this configures it once per process:
 * - trust: the public roots plus an extra CA (Pebble's listener) for this instance only;
 * - retries: two quick ones inside the call for a 5xx, none for a connection that failed;
 *   then BullMQ's backoff takes over, so a CA that is down does not hold a worker slot for a minute;
 * - rate limits: none inside the call either (acme-client would sleep out a Retry-After of an hour
 *   in the worker slot and ask again): a rateLimited answer is an AcmeRateLimitedError at once,
 *   with its Retry-After, and new orders pause (CaPause);
 * - errors: acme-client reports refusals as plain Errors without the status, so the final
 *   response is turned into a typed error here, where the status and problem type are known;
 *   an account the CA lost or refuses is its own error, for AcmeAccountService to register again.
 *   badNonce passes through: acme-client retries it itself.
 */
export function configureAcmeHttp(extraCaPem: string | undefined): void {
  if (configured) return;
  configured = true;
  if (extraCaPem !== undefined) {
    acme.axios.defaults.httpsAgent = new Agent({ ca: [...rootCertificates, extraCaPem] });
  }
  Object.assign(acme.axios.defaults, {
    acmeSettings: {
      httpChallengePort: 80,
      httpsChallengePort: 443,
      tlsAlpnChallengePort: 443,
      retryMaxAttempts: 2,
      retryDefaultDelay: 1,
    },
  });
  const { response: interceptors } = acme.axios.interceptors;
  // First in line: acme-client's own interceptor, registered before this one, turns a connection
  // that failed into a bare TypeError, losing the error code, and retries a rateLimited answer.
  interceptors.handlers?.unshift({
    fulfilled: (response) => response,
    rejected: (error: unknown) => Promise.reject(toAcmeError(error)),
    synchronous: false,
    runWhen: null,
  });
  // Last in line: sees the final answer, after acme-client's retries.
  interceptors.use((response) => {
    assertNotRefused(response.status, response.data);
    return response;
  });
}

function assertNotRefused(status: number, body: unknown): void {
  if (status < 400) return;
  const problem = problemSchema.safeParse(body);
  const type = problem.success ? problem.data.type : undefined;
  if (type === BAD_NONCE) return;
  const detail = problem.success && problem.data.detail ? problem.data.detail : 'no detail';
  const message = `the ACME server answered ${status}${type ? ` ${type}` : ''}: ${detail}`;
  if (status >= 500) throw new AcmeUnavailableError(message);
  if (ACCOUNT_PROBLEMS.includes(type)) throw new AcmeAccountRefusedError(message);
  // An order, authorization or challenge URL the CA no longer knows: only a new order helps.
  if (status === 404) throw new OrderLostError(message);
  throw new AcmeRefusedError(message);
}

function toAcmeError(error: unknown): unknown {
  if (error instanceof FlowError) return error;
  const answer = answerErrorSchema.safeParse(error);
  if (answer.success) {
    const { status, headers, data } = answer.data.response;
    const problem = problemSchema.safeParse(data);
    const type = problem.success ? problem.data.type : undefined;
    if (status === 429 || type === RATE_LIMITED) {
      const detail = problem.success && problem.data.detail ? problem.data.detail : 'no detail';
      return new AcmeRateLimitedError(
        `the ACME server answered ${status} ${type ?? RATE_LIMITED}: ${detail}`,
        retryAfterMs('retry-after' in headers ? headers['retry-after'] : undefined),
      );
    }
  }
  const network = networkErrorSchema.safeParse(error);
  if (error instanceof Error && network.success) {
    return new AcmeUnavailableError(`the ACME server cannot be reached: ${network.data.code}`, {
      cause: error,
    });
  }
  return error;
}

/** RFC 9110 Retry-After: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
