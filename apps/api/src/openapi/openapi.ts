import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import type { ApiConfig } from '../config/api-config';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem';

export const DOCS_PATH = 'docs';

/** Serves the OpenAPI document at /docs-json and Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, buildOpenApiDocument(app), {
    raw: ['json'],
    customSiteTitle: 'Starchart API',
  });
}

/** The document of every route the app serves; libs/api-client is generated from it. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Starchart API')
    .setDescription(
      'DNS records under `<name>.<username>.<ROOT_DOMAIN>`. Writes answer 202 at once and run a flow; ' +
        'follow it with GET /api/v1/records/{id}/events. Errors are application/problem+json (RFC 9457).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return useProblemMediaType(SwaggerModule.createDocument(app, config));
}

/**
 * The document without a running api: preview mode reads the modules' metadata and creates no
 * provider, so nothing connects to MySQL or Redis and no setting of `config` is used.
 */
export async function openApiDocumentOffline(config: ApiConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** @nestjs/swagger gives every response one media type; error answers are problem+json. */
function useProblemMediaType(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.post, path.patch, path.put, path.delete]) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        if (Number(status) < 400 || !response || !('content' in response) || !response.content)
          continue;
        const json = response.content['application/json'];
        if (!json) continue;
        response.content = { [PROBLEM_CONTENT_TYPE]: json };
      }
    }
  }
  return document;
}
