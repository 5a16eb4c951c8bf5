import { uniqueId } from '@starchart/testing';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { type ApiHarness, startApi } from '../support/api-harness';
import { zoneNamesUnder } from '../support/zone';

const PROBLEM = 'application/problem+json';
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The endpoints under fuzz, as path templates: `{id}` is replaced by a generated id. Add new
 * endpoints here as they appear.
 */
const ROUTES = [
  '/api/v1/records',
  '/api/v1/records/{id}',
  '/api/v1/records/{id}/events',
  '/api/v1/certificates',
  '/api/v1/certificates/{id}',
  '/api/v1/admin/reconcile',
  '/api/v1/admin/reconcile/{id}',
  '/api/v1/admin/reconcile/latest',
  '/api/v1/admin/users',
  '/api/v1/admin/users/{id}',
  '/api/v1/admin/users/{id}/lock',
  '/api/v1/admin/users/{id}/quota',
  '/api/v1/admin/users/{id}/deletion',
  '/api/v1/admin/records',
  '/api/v1/admin/records/{id}/retry',
  '/api/v1/admin/audit',
  '/health',
] as const;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Everything a request could change: the api's tables (not users: every caller is seen), its queue keys. */
interface Snapshot {
  tables: unknown;
  queueKeys: string[];
}

jest.setTimeout(90_000);

describe('fuzzing the api with generated requests', () => {
  const owner = uniqueId('fuzz');
  const other = uniqueId('fuzz');
  let api: ApiHarness;
  let ownedIds: string[];
  let tokens: string[];
  let zoneBefore: string[];

  beforeAll(async () => {
    // Rate limits would answer most writes with 429 before validation ran; they have their own test.
    api = await startApi({ tweak: (config) => (config.rateLimitPerMinute = 100_000) });
    ownedIds = [
      await api.seedRecord(owner),
      await api.seedRecord(owner, { type: 'MX', value: 'mail.example.com' }),
      await api.seedRecord(other),
    ];
    tokens = [
      await api.token(owner),
      await api.token(other),
      await api.token(owner, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(owner)
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode('not-the-secret-of-this-api-0123456789')),
      // alg "none": an unsigned token claiming to be an admin.
      `${base64url({ alg: 'none' })}.${base64url({ sub: owner, roles: ['admin'], exp: 4e9 })}.`,
    ];
    await api.queuesReady();
    zoneBefore = await zoneNamesUnder(`${owner}.${api.config.rootDomain}`);
  });

  afterAll(async () => {
    await api?.close();
  });

  async function snapshot(): Promise<Snapshot> {
    return {
      tables: await api.sql(
        'CHECKSUM TABLE dns_records, idempotency_keys, certificates, admin_audit_log',
      ),
      queueKeys: (await api.queueKeys()).sort(),
    };
  }

  it(`never answers 5xx, refuses with a problem, and a refusal changes nothing (${RUNS} requests, seed ${SEED})`, async () => {
    const started = Date.now();
    const counts = new Map<number, number>();
    const request = fuzzRequest(
      () => ownedIds,
      () => tokens,
    );

    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        const before = await snapshot();
        const withBody = sent.body !== undefined && !['GET', 'OPTIONS'].includes(sent.method);
        const answer = await api.request(sent.method, sent.path, {
          headers: sent.headers,
          ...(withBody && { rawBody: sent.body }),
        });
        counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
        const why = `${sent.method} ${sent.path.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`;

        if (answer.status >= 500) throw new Error(`server error: ${why}`);
        if (answer.status >= 400) {
          if (!answer.headers.get('content-type')?.startsWith(PROBLEM)) {
            throw new Error(`not a problem document: ${why}`);
          }
          const problem = answer.json as { status?: unknown; detail?: unknown } | undefined;
          if (
            problem?.status !== answer.status ||
            typeof problem.detail !== 'string' ||
            !problem.detail
          ) {
            throw new Error(`problem without status or detail: ${why}`);
          }
        }
        if (answer.status >= 400 || SAFE_METHODS.has(sent.method)) {
          expect({ why, ...(await snapshot()) }).toEqual({ why, ...before });
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    console.log(
      `fuzz: ${RUNS} requests in ${Date.now() - started} ms (seed ${SEED}); by status: ${JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b)))}`,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('left the zone untouched and the api as strict as before', async () => {
    expect(await zoneNamesUnder(`${owner}.${api.config.rootDomain}`)).toEqual(zoneBefore);
    // A prototype-polluting body must not have turned anyone into an admin.
    const answer = await api.request('GET', `/api/v1/records?username=${other}`, {
      token: await api.token(owner),
    });
    expect(answer.status).toBe(403);
    expect((await api.request('GET', '/health')).status).toBe(200);
  });
});

function fuzzRequest(ids: () => string[], tokens: () => string[]): fc.Arbitrary<FuzzRequest> {
  const hostileId = fc.oneof(
    fc.uuid(),
    fc.constantFrom(...ids()),
    fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
    fc.constantFrom(
      '..%2F..%2Fhealth',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%5C..%5C',
      '%00',
      '%E0%A4%A',
      '%',
      'a'.repeat(5_000),
      '00000000-0000-0000-0000-000000000000',
      "1'%20OR%20'1'%3D'1",
    ),
  );
  const path = fc
    .tuple(fc.constantFrom(...ROUTES), hostileId, queryString())
    .map(([route, id, query]) => `${route.replace('{id}', id)}${query}`);

  // Weighted towards valid tokens and JSON, so that most requests get past authentication
  // and content negotiation into validation, where the interesting inputs are.
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...tokens().slice(0, 2)).map((t) => `Bearer ${t}`) },
    fc.constant(undefined),
    fc.constantFrom(...tokens().slice(2)).map((token) => `Bearer ${token}`),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic b3BlcmF0b3I6cHc=', 'bearer  x.y.z', 'Token abc'),
    printable(200).map((text) => `Bearer ${text}`),
    fc.integer({ min: 4_000, max: 9_000 }).map((length) => `Bearer ${'a'.repeat(length)}`),
  );
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    fc.constant(undefined),
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/merge-patch+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
    ),
    printable(60),
  );
  const headers = fc
    .record(
      {
        Authorization: authorization,
        'Content-Type': contentType,
        'Idempotency-Key': printable(300),
        'X-Request-Id': printable(300),
        'X-Padding': fc
          .oneof(
            { weight: 9, arbitrary: fc.integer({ min: 1, max: 1_000 }) },
            fc.integer({ min: 10_000, max: 40_000 }),
          )
          .map((length) => 'p'.repeat(length)),
        'Content-Encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
        Accept: fc.constantFrom('text/event-stream', 'application/xml', '*/*'),
      },
      { requiredKeys: ['Authorization', 'Content-Type'] },
    )
    .map((record) =>
      Object.fromEntries(
        Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
    );

  return fc.record(
    {
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'),
      path,
      headers,
      body: requestBody(),
    },
    { requiredKeys: ['method', 'path', 'headers'] },
  );
}

function requestBody(): fc.Arbitrary<string | Uint8Array> {
  const almostValid = fc.record(
    {
      name: fc.oneof(
        fc.constantFrom(
          'www',
          '@',
          '*',
          '_dmarc',
          '_sip._tcp',
          'a.b',
          '..',
          '*.*',
          '-x',
          'x'.repeat(64),
        ),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
      ),
      type: fc.oneof(
        fc.constantFrom('A', 'AAAA', 'CAA', 'CNAME', 'MX', 'SRV', 'TXT', 'NAPTR', 'a'),
        fc.anything(),
      ),
      value: fc.oneof(
        fc.constantFrom(
          '192.0.2.1',
          '2001:db8::1',
          'mail.example.com',
          'text',
          '999.1.1.1',
          '0 issue "letsencrypt.org"',
          '256 issue "x.org"',
          '0 iodef "javascript:alert(1)"',
        ),
        fc.string({ unit: 'grapheme', maxLength: 100 }),
        fc.integer(),
      ),
      ttl: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 }), fc.constant(null)),
      priority: fc.oneof(fc.integer(), fc.constant(-1), fc.constant(70_000)),
      weight: fc.oneof(fc.integer(), fc.constant(-1), fc.constant(70_000), fc.string()),
      port: fc.oneof(fc.integer(), fc.constant(-1), fc.constant(70_000), fc.constant(null)),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    almostValid.map((value) => JSON.stringify(value)),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    fc
      .integer({ min: 1, max: 5_000 })
      .map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
    fc
      .integer({ min: 10_000, max: 40_000 })
      .map((length) => JSON.stringify({ name: 'x'.repeat(length) })),
    fc.constantFrom(
      '{"__proto__":{"isAdmin":true,"roles":["admin"]},"name":"www","type":"A","value":"192.0.2.1"}',
      '{"constructor":{"prototype":{"isAdmin":true}},"ttl":600}',
      '{"name":"www","name":"@","type":"A","value":"192.0.2.1"}',
      '{"name":"www","type":"A","value":"192.0.2.1"',
      'null',
      '',
      '\u0000',
      '{"name":"\\ud800","type":"TXT","value":"\\udfff"}',
    ),
    fc.uint8Array({ maxLength: 300 }),
  );
}

function queryString(): fc.Arbitrary<string> {
  const key = fc.oneof(
    fc.constantFrom(
      'limit',
      'page',
      'cursor',
      'username',
      'limit[]',
      '__proto__[admin]',
      'constructor[prototype][x]',
    ),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
  );
  const value = fc.oneof(
    fc.constantFrom('0', '-1', '1e9', '20', 'NaN', '%', '%ZZ', 'a'.repeat(3_000)),
    fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  );
  return fc
    .array(fc.tuple(key, value), { maxLength: 4 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
}

/** Header-safe text: what a client can put in a header at all (fetch refuses control characters). */
function printable(maxLength: number): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength,
  });
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
