import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError } from '../problems/api-errors';

/**
 * CORS for the web app's origins only. The browser may send the bearer token, an
 * Idempotency-Key and JSON bodies, and read the headers the app acts on. No cookies are involved
 * (the token travels in Authorization), so credentials stay off.
 */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: [
      'Location',
      'Retry-After',
      'Idempotent-Replayed',
      'X-Request-Id',
      'WWW-Authenticate',
      'Content-Disposition',
    ],
    credentials: false,
    maxAge: 600,
  };
}

/**
 * Answers a preflight from any other origin with 403 problem+json, so that the refusal is
 * explicit rather than a missing header. Simple requests from elsewhere still get no CORS
 * headers, so the browser keeps their answers from the page.
 */
export function refuseForeignPreflight(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (request: Request, _response: Response, next: NextFunction): void => {
    const origin = request.get('origin');
    const isPreflight =
      request.method === 'OPTIONS' && request.get('access-control-request-method') !== undefined;
    if (isPreflight && origin !== undefined && !allowed.has(origin)) {
      next(
        new ForbiddenError(`Cross-origin requests from ${origin.slice(0, 200)} are not allowed.`),
      );
      return;
    }
    next();
  };
}
