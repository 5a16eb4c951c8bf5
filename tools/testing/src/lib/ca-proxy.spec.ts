import * as acme from 'acme-client';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rateLimitedAnswer, startCaProxy, type CaProxy } from './ca-proxy';
import { testStack } from './stack';
import { uniqueId } from './unique';

const { pebble } = testStack();
const RATE_LIMITED = 'urn:ietf:params:acme:error:rateLimited';
// Pebble refuses a share of nonces on purpose; acme-client sends the request again.
const BAD_NONCE = 'urn:ietf:params:acme:error:badNonce';

// acme-client's own settings on its axios instance, which axios's types do not know.
const defaults: { acmeSettings: Record<string, number>; httpsAgent?: unknown } = acme.axios
  .defaults as typeof acme.axios.defaults & { acmeSettings: Record<string, number> };

describe('the test CA proxy in front of Pebble', () => {
  let proxy: CaProxy;
  let client: acme.Client;
  const settings = { ...defaults.acmeSettings };
  const originalAgent = defaults.httpsAgent;

  beforeAll(async () => {
    defaults.httpsAgent = new Agent({ ca: readFileSync(pebble.caCertPath) });
    // acme-client retries a 429 by itself; the test wants to see each answer.
    defaults.acmeSettings = { ...settings, retryMaxAttempts: 0 };
  });

  afterAll(() => {
    defaults.httpsAgent = originalAgent;
    defaults.acmeSettings = settings;
  });

  beforeEach(async () => {
    proxy = await startCaProxy({
      directoryUrl: pebble.directoryUrl,
      caCertPath: pebble.caCertPath,
    });
    client = new acme.Client({
      directoryUrl: proxy.directoryUrl,
      accountKey: await acme.crypto.createPrivateEcdsaKey('P-256'),
    });
    await client.createAccount({ termsOfServiceAgreed: true });
  });

  afterEach(() => proxy.close());

  const order = (): Promise<acme.Order> =>
    client.createOrder({ identifiers: [{ type: 'dns', value: `${uniqueId('p')}.proxy.test` }] });

  it('keeps a client on the proxy: directory, account, order and its authorizations', async () => {
    const created = await order();
    const authorizations = await client.getAuthorizations(created);

    expect(client.getAccountUrl().startsWith(proxy.origin)).toBe(true);
    expect(created.url.startsWith(proxy.origin)).toBe(true);
    expect(created.finalize.startsWith(proxy.origin)).toBe(true);
    expect(authorizations[0]?.challenges.every((c) => c.url.startsWith(proxy.origin))).toBe(true);
    expect(JSON.stringify(proxy.requests())).not.toContain(new URL(pebble.directoryUrl).host);
    const [newOrder] = proxy.requests('newOrder').filter((r) => r.problem !== BAD_NONCE);
    expect(newOrder).toMatchObject({
      method: 'POST',
      status: 201,
      answeredBy: 'ca',
      url: `${proxy.origin}${new URL(newOrder?.url ?? '').pathname}`,
      payload: { identifiers: [{ type: 'dns', value: created.identifiers[0]?.value }] },
    });
    expect(proxy.requests('newNonce').length).toBeGreaterThan(0);
  });

  it('answers newOrder with rateLimited and Retry-After itself, N times, then lets it through', async () => {
    const limited = proxy.answer('newOrder', rateLimitedAnswer({ retryAfterS: 7 }), { times: 2 });

    const failures = await Promise.all([order(), order()].map((p) => p.catch((e: unknown) => e)));
    expect(failures.map(String)).toEqual([
      expect.stringContaining('too many new orders recently'),
      expect.stringContaining('too many new orders recently'),
    ]);
    const created = await order();

    expect(limited.hits()).toBe(2);
    expect(created.status).toBe('pending');
    const orders = proxy.requests('newOrder').filter((r) => r.problem !== BAD_NONCE);
    expect(orders.map((r) => [r.status, r.problem, r.answeredBy])).toEqual([
      [429, RATE_LIMITED, 'proxy'],
      [429, RATE_LIMITED, 'proxy'],
      [201, undefined, 'ca'],
    ]);
  });

  it('sends the problem, its Retry-After and a fresh nonce as a CA would', async () => {
    proxy.answer('newNonce', rateLimitedAnswer({ retryAfterS: 3 }), { times: 1 });
    proxy.answer('newOrder', rateLimitedAnswer({ retryAfterS: 3 }));

    const { data: directory } = await acme.axios.get<Record<string, string>>(proxy.directoryUrl);
    const nonceAnswer = await acme.axios.head(directory['newNonce'] ?? '', {
      validateStatus: null,
    });
    const orderAnswer = await acme.axios.post(directory['newOrder'] ?? '', '{}', {
      validateStatus: null,
    });

    expect(nonceAnswer.status).toBe(429);
    expect(orderAnswer.status).toBe(429);
    expect(orderAnswer.headers['retry-after']).toBe('3');
    expect(orderAnswer.headers['content-type']).toBe('application/problem+json');
    expect(orderAnswer.headers['replay-nonce']).toEqual(expect.any(String));
    expect(orderAnswer.data).toMatchObject({ type: 'urn:ietf:params:acme:error:rateLimited' });
  });

  it('stops answering once switched off', async () => {
    const limited = proxy.answer('newOrder', rateLimitedAnswer());
    await expect(order()).rejects.toThrow('too many new orders recently');
    limited.off();

    await expect(order()).resolves.toMatchObject({ status: 'pending' });
    expect(limited.hits()).toBe(1);
  });

  it('adds a directory entry and serves it', async () => {
    proxy.rewriteDirectory((directory) => ({
      ...directory,
      renewalInfo: `${proxy.origin}/renewal-info`,
    }));
    proxy.serve('/renewal-info/', ({ path }) => ({
      status: 200,
      headers: { 'retry-after': '21600' },
      body: {
        suggestedWindow: { start: '2027-01-01T00:00:00Z', end: '2027-01-02T00:00:00Z' },
        certId: path.slice('/renewal-info/'.length),
      },
    }));

    const directory = await acme.axios.get<Record<string, string>>(proxy.directoryUrl);
    const info = await acme.axios.get<{ certId: string }>(
      `${directory.data['renewalInfo']}/abc.def`,
    );

    expect(directory.data['newOrder']?.startsWith(proxy.origin)).toBe(true);
    expect(info.data.certId).toBe('abc.def');
    expect(proxy.requests((r) => r.path.startsWith('/renewal-info/'))).toEqual([
      expect.objectContaining({ method: 'GET', status: 200, answeredBy: 'proxy' }),
    ]);
  });
});
