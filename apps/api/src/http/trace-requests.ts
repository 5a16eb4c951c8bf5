import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeTemplate } from './route-template';

/**
 * Runs each request inside a server span (continuing the caller's `traceparent`), so that what
 * the handler does, adding a flow to BullMQ above all, joins the request's trace. Mounted after
 * the body parser: its callback would run outside the span's context.
 */
export function traceRequests(): RequestHandler {
  const tracer = trace.getTracer('starchart-api');
  return (request: Request, response: Response, next: NextFunction): void => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.path,
          ...(request.requestId && { 'starchart.request_id': request.requestId }),
        },
      },
      parent,
    );
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      const route = routeTemplate(request);
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({
        'http.route': route,
        'http.response.status_code': response.statusCode,
      });
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.on('finish', end);
    response.on('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
