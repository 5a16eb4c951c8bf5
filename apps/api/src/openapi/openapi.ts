import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem';

export const DOCS_PATH = 'docs';

/** Serves the OpenAPI document at /docs-json and Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Starchart API')
    .setDescription(
      'DNS records under `<name>.<username>.<ROOT_DOMAIN>`. Writes answer 202 at once and run a flow; ' +
        'follow it with GET /api/v1/records/{id}/events. Errors are application/problem+json (RFC 9457).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = useProblemMediaType(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup(DOCS_PATH, app, document, {
    raw: ['json'],
    customSiteTitle: 'Starchart API',
  });
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
