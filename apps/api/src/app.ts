import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api-config';
import { answerClientError } from './http/client-error';
import { corsOptions, refuseForeignPreflight } from './http/cors';
import { JSON_MEDIA_TYPES, requireJsonBody } from './http/require-json-body';
import { requestContext } from './http/request-context';
import { JsonLogger } from '@starchart/logging';
import { ApiMetrics } from './metrics/api-metrics';
import { traceRequests } from './http/trace-requests';
import type { Tracing } from '@starchart/telemetry/tracing';
import { setupOpenApi } from './openapi/openapi';
import { BODY_LIMIT_BYTES } from './problems/problem';

/**
 * The api as `main.ts` serves it and as the tests start it: middleware order matters, so it
 * lives in one place. Not listening yet.
 */
export async function createApiApp(
  config: ApiConfig,
  logger: LoggerService = new JsonLogger({ level: config.logLevel }),
  tracing?: Tracing,
): Promise<NestExpressApplication> {
  const traced = tracing
    ? { ...config, queue: { ...config.queue, telemetry: tracing.bullmq } }
    : config;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(traced, tracing), {
    logger,
    // Registered below, after the request id middleware, so that its errors carry the id.
    bodyParser: false,
    // Fail with an error the caller can report, not process.abort().
    abortOnError: false,
  });
  app.getHttpServer().on('clientError', answerClientError);
  app.use(requestContext);
  // Before everything else that answers, so that even errors carry the CORS headers.
  app.use(refuseForeignPreflight(config.webOrigins));
  if (config.webOrigins.length > 0) app.enableCors(corsOptions(config.webOrigins));
  if (config.metrics) app.use(app.get(ApiMetrics).middleware);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Swagger UI loads its own scripts and styles from /docs and inlines one <style>.
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          // The api may be served over plain http on a private network.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES, type: JSON_MEDIA_TYPES });
  if (tracing) app.use(traceRequests());
  setupOpenApi(app);
  return app;
}
