import { caPauseKey } from '@starchart/cert-flow';
import {
  rateLimitedAnswer,
  startCaProxy,
  testStack,
  uniqueId,
  type CaProxy,
  type CaRequest,
} from '@starchart/testing';
import { Redis } from 'ioredis';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv, waitForCertificate, type CertificateBody } from '../support/certificates';
import { sample, scrape } from '../support/prometheus-text';
import { startWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(60_000);

const BAD_NONCE = 'urn:ietf:params:acme:error:badNonce';
const RETRY_AFTER_S = 4;
// The backoff of a rateLimited answer without Retry-After, short for the test: 2 s doubling to 8 s.
const PAUSE_FIRST_S = 2;

/**
 * A CA that answers new orders `urn:ietf:params:acme:error:rateLimited`: Pebble behind the test
 * CA proxy, which answers newOrder itself while the test says so and counts every request. Two
 * built workers share the pause through Redis.
 */
describe('a CA that answers rateLimited', () => {
  let proxy: CaProxy;
  let api: ApiHarness;
  let workers: WorkerProcess[] = [];
  let redis: Redis;

  const order = async (token: string): Promise<CertificateBody> => {
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    return ordered.json as CertificateBody;
  };
  const certificate = async (token: string, id: string): Promise<CertificateBody> =>
    (await api.request('GET', `/api/v1/certificates/${id}`, { token })).json as CertificateBody;
  // Pebble refuses a share of nonces on purpose and acme-client sends the request again: those
  // refusals are not orders.
  const newOrders = (): CaRequest[] =>
    proxy.requests('newOrder').filter((request) => request.problem !== BAD_NONCE);
  const output = (): string => workers.map((worker) => worker.output()).join('\n');
  const pausedUntilMetric = async (): Promise<number> =>
    sample(
      await scrape(anyWorker().metricsUrl ?? ''),
      'starchart_acme_new_orders_paused_until_timestamp_seconds',
    );
  const anyWorker = (): WorkerProcess => {
    const [worker] = workers;
    if (!worker) throw new Error('no worker started');
    return worker;
  };

  async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what} did not happen; workers:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    const { pebble } = testStack();
    proxy = await startCaProxy({
      directoryUrl: pebble.directoryUrl,
      caCertPath: pebble.caCertPath,
    });
    api = await startApi({ env: { ...certEnv(), ACME_DIRECTORY_URL: proxy.directoryUrl } });
    const env = {
      ...api.env,
      ACME_RATE_LIMIT_PAUSE_FIRST: `${PAUSE_FIRST_S}s`,
      ACME_RATE_LIMIT_PAUSE_MAX: '8s',
      // Orders placed during the pause wait queued (the admission lets nothing out while the CA
      // is paused); the admission run lets them out within half a second of its end.
      CERT_ADMIT_EVERY: '500ms',
    };
    workers = await Promise.all([startWorker({ ...env, METRICS_PORT: '0' }), startWorker(env)]);
    redis = new Redis(testStack().redis.url);
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await api?.close();
    await proxy?.close();
    redis?.disconnect();
  });

  beforeEach(async () => {
    await redis.del(caPauseKey(api.queuePrefix));
    proxy.clearRequests();
  });

  it('pauses new orders of every worker until Retry-After, then issues them all, none failed, without a retry storm', async () => {
    const limited = proxy.answer('newOrder', rateLimitedAnswer({ retryAfterS: RETRY_AFTER_S }), {
      times: 1,
    });
    const first = { token: await api.token(uniqueId('limited')) };
    const { id: firstId } = await order(first.token);
    const [answered] = await until('the rateLimited answer', async () =>
      limited.hits() === 1 ? newOrders() : undefined,
    );
    const pausedAt = answered?.at ?? 0;

    // Ordered during the pause: these wait queued, without asking the CA.
    const others = await Promise.all(
      [1, 2, 3].map(async () => {
        const token = await api.token(uniqueId('waiting'));
        const ordered = await order(token);
        expect(ordered.status).toBe('queued');
        return { token, id: ordered.id };
      }),
    );
    const waiting = await until('the waiting reason', async () => {
      const body = await certificate(first.token, firstId);
      return body.statusReason?.startsWith('waiting') ? body : undefined;
    });
    expect(waiting).toMatchObject({
      status: 'pending',
      statusReason: expect.stringMatching(
        /^waiting: the CA asked to pause new orders until \d{4}-\d\d-\d\dT/,
      ),
    });
    const pausedUntil = Date.parse(waiting.statusReason?.split(' until ')[1] ?? '');
    expect(pausedUntil - pausedAt).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1_000 - 100);
    expect(await pausedUntilMetric()).toBe(pausedUntil / 1_000);

    const all = [{ ...first, id: firstId }, ...others];
    const issued = await Promise.all(
      all.map(({ token, id }) => waitForCertificate(api, token, id, 'issued', anyWorker(), 45_000)),
    );

    expect(issued.map((body) => [body.status, body.statusReason])).toEqual(
      all.map(() => ['issued', null]),
    );
    const seen = newOrders();
    // One rateLimited answer, then one order per certificate: nothing asked while paused.
    expect(seen.map((request) => [request.status, request.answeredBy])).toEqual([
      [429, 'proxy'],
      ...all.map(() => [201, 'ca']),
    ]);
    const resumedAfterMs = seen.slice(1).map((request) => request.at - pausedAt);
    expect(Math.min(...resumedAfterMs)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1_000 - 50);
    expect(await pausedUntilMetric()).toBe(0);
  });

  it('backs off when the answer names no Retry-After, doubling while the CA keeps answering so', async () => {
    const limited = proxy.answer('newOrder', rateLimitedAnswer(), { times: 2 });
    const token = await api.token(uniqueId('backoff'));
    const { id } = await order(token);

    const issued = await waitForCertificate(api, token, id, 'issued', anyWorker(), 45_000);

    expect(issued).toMatchObject({ status: 'issued', statusReason: null });
    expect(limited.hits()).toBe(2);
    const seen = newOrders();
    expect(seen.map((request) => [request.status, request.answeredBy])).toEqual([
      [429, 'proxy'],
      [429, 'proxy'],
      [201, 'ca'],
    ]);
    const gaps = seen.slice(1).map((request, index) => request.at - (seen[index]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(PAUSE_FIRST_S * 1_000 - 50);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * PAUSE_FIRST_S * 1_000 - 50);
  });
});
