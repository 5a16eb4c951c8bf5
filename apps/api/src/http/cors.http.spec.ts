import { type ApiHarness, startApi } from '../../test/support/api-harness';

const WEB = 'http://127.0.0.1:3001';
const ELSEWHERE = 'http://evil.example';

describe('CORS for the web app (HTTP)', () => {
  let api: ApiHarness;
  let alice: string;

  beforeAll(async () => {
    api = await startApi({ env: { WEB_ORIGINS: `${WEB},https://starchart.example.com` } });
    alice = await api.token('alice');
  });

  afterAll(async () => {
    await api.close();
  });

  const preflight = (origin: string, method = 'POST') =>
    fetch(`${api.baseUrl}/api/v1/records`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });

  it('answers a preflight from a web origin with the methods and headers the app sends', async () => {
    const response = await preflight(WEB);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB);
    const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    for (const header of ['authorization', 'content-type', 'idempotency-key'])
      expect(allowed).toContain(header);
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('refuses a preflight from another origin with 403 problem+json and no CORS headers', async () => {
    const response = await preflight(ELSEWHERE);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await response.json()) as { detail: string }).detail).toContain(ELSEWHERE);
  });

  it('lets the web origin read answers and the headers it acts on, problems included', async () => {
    const created = await api.request('POST', '/api/v1/records', {
      token: alice,
      headers: { Origin: WEB, 'Idempotency-Key': 'cors-1' },
      body: { name: 'cors', type: 'A', value: '192.0.2.10', ttl: 300 },
    });
    expect(created.status).toBe(202);
    expect(created.headers.get('access-control-allow-origin')).toBe(WEB);
    const exposed = created.headers.get('access-control-expose-headers') ?? '';
    for (const header of ['Location', 'Retry-After', 'WWW-Authenticate'])
      expect(exposed).toContain(header);

    const refused = await api.request('GET', '/api/v1/records', { headers: { Origin: WEB } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('access-control-allow-origin')).toBe(WEB);
  });

  it('gives another origin no CORS headers, so its page cannot read the answer', async () => {
    const answer = await api.request('GET', '/api/v1/records', {
      token: alice,
      headers: { Origin: ELSEWHERE },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('streams record events to the web origin through fetch with the token in a header, unbuffered', async () => {
    const id = await api.seedRecord('alice', { status: 'pending' });
    const abort = new AbortController();
    try {
      const response = await fetch(`${api.baseUrl}/api/v1/records/${id}/events`, {
        headers: { Authorization: `Bearer ${alice}`, Accept: 'text/event-stream', Origin: WEB },
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.headers.get('access-control-allow-origin')).toBe(WEB);
      // The record stays pending (no worker): the stream is still open when its first event arrives.
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('event: status')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended early: ${text}`);
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain('"status":"pending"');
    } finally {
      abort.abort();
    }
  });
});
