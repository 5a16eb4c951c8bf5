import { type ApiHarness, startApi } from '../../test/support/api-harness';

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

describe('OpenAPI document and Swagger UI', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('serves the document at /docs-json with every route, schemas from zod and bearer auth', async () => {
    const answer = await api.request('GET', '/docs-json');
    expect(answer.status).toBe(200);
    const document = answer.json as OpenApiDocument;
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/admin/audit',
      '/api/v1/admin/reconcile',
      '/api/v1/admin/reconcile/latest',
      '/api/v1/admin/reconcile/{jobId}',
      '/api/v1/admin/records',
      '/api/v1/admin/records/{id}/retry',
      '/api/v1/admin/users',
      '/api/v1/admin/users/{username}',
      '/api/v1/admin/users/{username}/deletion',
      '/api/v1/admin/users/{username}/lock',
      '/api/v1/admin/users/{username}/quota',
      '/api/v1/certificates',
      '/api/v1/certificates/{id}',
      '/api/v1/certificates/{id}/certificate.pem',
      '/api/v1/certificates/{id}/chain.pem',
      '/api/v1/certificates/{id}/events',
      '/api/v1/certificates/{id}/fullchain.pem',
      '/api/v1/certificates/{id}/privkey.pem',
      '/api/v1/me/notifications',
      '/api/v1/records',
      '/api/v1/records/{id}',
      '/api/v1/records/{id}/events',
      '/api/v1/records/{id}/renew',
      '/health',
    ]);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        'CreateRecord',
        'UpdateRecord',
        'DnsRecord',
        'DnsRecordPage',
        'FlowStep',
        'Problem',
      ]),
    );
    expect(document.components.schemas['CreateRecord']).toMatchObject({
      additionalProperties: false,
      required: ['name', 'type', 'value'],
      properties: {
        type: { enum: ['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'SRV', 'TXT'] },
        ttl: { minimum: 60, maximum: 86400 },
      },
    });
    expect(document.components.securitySchemes).toHaveProperty('bearer');
  });

  it('documents error answers as application/problem+json', async () => {
    const document = (await api.request('GET', '/docs-json')).json as OpenApiDocument;
    const post = document.paths['/api/v1/records']?.['post'];
    expect(Object.keys(post?.responses['202']?.content ?? {})).toEqual(['application/json']);
    for (const status of ['400', '401', '409', '415', '422', '429', '503']) {
      expect(Object.keys(post?.responses[status]?.content ?? {})).toEqual([
        'application/problem+json',
      ]);
    }
  });

  it('serves Swagger UI at /docs under a CSP that allows its own scripts and styles only', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    const init = await api.request('GET', '/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/api/v1/records');
  });
});
