import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeError } from '../problems/api-errors';

/** The media types the JSON body parser reads; anything else with a body is refused. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Answers 415 to a write whose body is not JSON, instead of letting it arrive as no body at all. */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  // `is` answers null when the request has no body; the schema then reports the missing fields.
  if (BODY_METHODS.has(request.method) && request.is(JSON_MEDIA_TYPES) === false) {
    next(
      new UnsupportedMediaTypeError(
        `Send the body as JSON with Content-Type: application/json (got ${request.get('content-type') ?? 'no Content-Type'}).`,
      ),
    );
    return;
  }
  next();
}
