import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';

declare module 'express-serve-static-core' {
  interface Request {
    /** From X-Request-Id when the caller sent a sane one, else generated; echoed back. */
    requestId?: string;
    /** Set by AuthGuard once the bearer token is verified. */
    principal?: Principal;
  }
}

// Accept a caller's id only when it cannot break a log line or a header.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const logger = new Logger('http');

/** Answered to Prometheus and health probes: logged only at debug level unless they fail. */
const PROBE_PATHS = new Set(['/metrics', '/health']);

/**
 * Gives every request an id (accepted from X-Request-Id or generated) and writes one JSON
 * log line when the response is done. Mounted before everything else, so that even body
 * parser and routing errors carry the id and are logged.
 */
export function requestContext(request: Request, response: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  const offered = request.get('x-request-id');
  const requestId = offered && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
  request.requestId = requestId;
  response.setHeader('X-Request-Id', requestId);

  let logged = false;
  const log = (): void => {
    if (logged) return;
    logged = true;
    const path = request.originalUrl.split('?')[0] ?? '';
    const status = response.statusCode;
    // A scraper or a probe every few seconds would bury the requests of people.
    const routine = PROBE_PATHS.has(path) && status < 400;
    (routine ? logger.debug : logger.log).call(logger, {
      msg: 'request',
      method: request.method,
      path,
      status,
      durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      user: request.principal?.username ?? null,
      requestId,
      // A client that hangs up before the answer is complete (an SSE tab closed) is worth knowing.
      ...(response.writableFinished ? {} : { aborted: true }),
    });
  };
  response.on('finish', log);
  response.on('close', log);
  next();
}
