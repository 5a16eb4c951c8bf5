import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeError } from '../problems/api-errors';

/** The media types the JSON body parser reads; anything else with a body is refused. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Answers 415 to a write whose body is not JSON, instead of letting it arrive as no body at all.
 * A write without a body passes: the schema then reports the missing fields, and an action that
 * takes no input (ordering a certificate) just runs. Browsers send such a POST with
 * `Content-Length: 0` and no Content-Type, curl without the header: both are "no body".
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (
    BODY_METHODS.has(request.method) &&
    !isEmpty(request) &&
    // `is` answers null when the request has no body at all.
    request.is(JSON_MEDIA_TYPES) === false
  ) {
    next(
      new UnsupportedMediaTypeError(
        `Send the body as JSON with Content-Type: application/json (got ${request.get('content-type') ?? 'no Content-Type'}).`,
      ),
    );
    return;
  }
  next();
}

function isEmpty(request: Request): boolean {
  return request.get('content-length') === '0' && request.get('transfer-encoding') === undefined;
}
