import { ariCertId, CERT_QUEUES } from '@starchart/cert-flow';
import { startCaProxy, testStack, uniqueId, type CaProxy } from '@starchart/testing';
import { Queue, QueueEvents } from 'bullmq';
import { X509Certificate } from 'node:crypto';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { certEnv, waitForCertificate, type CertificateBody } from '../../test/support/certificates';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';

jest.setTimeout(180_000);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RENEWAL_INFO_PATH = '/test-ari/renewal-info';
const RETRY_AFTER_S = 8;

/** What the test CA's renewalInfo answers for one certificate. */
interface ServedWindow {
  start: Date;
  end: Date;
  retryAfterS: number;
}

describe('renewal following the CA’s ARI window (RFC 9773), Pebble behind a proxy that serves renewalInfo', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let proxy: CaProxy;
  let renewals: Queue;
  let renewalEvents: QueueEvents;
  const served = new Map<string, ServedWindow>();

  beforeAll(async () => {
    const { pebble } = testStack();
    proxy = await startCaProxy({
      directoryUrl: pebble.directoryUrl,
      caCertPath: pebble.caCertPath,
    });
    proxy.rewriteDirectory((directory) => ({
      ...directory,
      renewalInfo: `${proxy.origin}${RENEWAL_INFO_PATH}`,
    }));
    proxy.serve(`${RENEWAL_INFO_PATH}/`, ({ path }) => {
      const window = served.get(path.slice(RENEWAL_INFO_PATH.length + 1));
      if (!window) return { status: 404, body: { type: 'urn:ietf:params:acme:error:malformed' } };
      return {
        status: 200,
        headers: { 'retry-after': String(window.retryAfterS) },
        body: {
          suggestedWindow: { start: window.start.toISOString(), end: window.end.toISOString() },
        },
      };
    });
    api = await startApi({ env: { ...certEnv(), ACME_DIRECTORY_URL: proxy.directoryUrl } });
    worker = await startWorker(api.env);
    const connection = { url: testStack().redis.url };
    renewals = new Queue(CERT_QUEUES.renewCertificates, {
      connection,
      prefix: api.config.queue.prefix,
    });
    renewalEvents = new QueueEvents(CERT_QUEUES.renewCertificates, {
      connection,
      prefix: api.config.queue.prefix,
    });
    await renewalEvents.waitUntilReady();
  });

  afterAll(async () => {
    await renewalEvents?.close();
    await renewals?.close();
    await worker?.stop();
    await api?.close();
    await proxy?.close();
  });

  /** One renewal run, in the worker, as its scheduler would start it; the ids it renewed. */
  async function renewalRun(): Promise<string[]> {
    const job = await renewals.add('renewCertificates', {}, { jobId: uniqueId('ari-run') });
    const result = (await job.waitUntilFinished(renewalEvents, 30_000)) as { started: string[] };
    return result.started;
  }

  const renewalInfoAsks = (certId: string): number =>
    proxy.requests((request) => request.path === `${RENEWAL_INFO_PATH}/${certId}`).length;

  it('waits for a window in the future although two thirds have passed, asks again only after Retry-After, renews inside a window that has come, and sends replaces', async () => {
    const token = await api.token(uniqueId('ari'));
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    const { id } = ordered.json as CertificateBody;
    await waitForCertificate(api, token, id, 'issued', worker);
    const firstOrder = proxy.requests('newOrder').at(-1);
    expect(firstOrder?.payload).not.toHaveProperty('replaces');
    const pem = (await api.request('GET', `/api/v1/certificates/${id}/certificate.pem`, { token }))
      .text;
    const certId = ariCertId(pem);
    expect(certId).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    if (certId === undefined) return;

    // Five days left: the two-thirds rule (and CERT_RENEW_BEFORE_DAYS) would renew it now.
    await api.sql('UPDATE certificates SET valid_to = ? WHERE id = ?', [
      new Date(Date.now() + 5 * DAY_MS),
      id,
    ]);
    const now = Date.now();
    served.set(certId, {
      start: new Date(now + 20 * DAY_MS),
      end: new Date(now + 21 * DAY_MS),
      // Long enough for the next run to start within it on a busy machine.
      retryAfterS: RETRY_AFTER_S,
    });
    const firstAsk = Date.now();
    expect(await renewalRun()).toEqual([]);
    expect(renewalInfoAsks(certId)).toBe(1);
    const [stored] = (await api.sql(
      'SELECT status, ari_window_start, ari_window_end, ari_next_poll_at FROM certificates WHERE id = ?',
      [id],
    )) as {
      status: string;
      ari_window_start: Date;
      ari_window_end: Date;
      ari_next_poll_at: Date;
    }[];
    expect(stored?.status).toBe('issued');
    expect(stored?.ari_window_start.getTime()).toBe(now + 20 * DAY_MS);
    expect(stored?.ari_window_end.getTime()).toBe(now + 21 * DAY_MS);
    expect(stored?.ari_next_poll_at.getTime()).toBeGreaterThanOrEqual(
      firstAsk + RETRY_AFTER_S * 1_000,
    );

    // Within Retry-After: the stored window decides, the CA is not asked again.
    expect(await renewalRun()).toEqual([]);
    expect(renewalInfoAsks(certId)).toBe(1);

    // The CA moves the window to now; once Retry-After has passed the run asks, and renews.
    served.set(certId, {
      start: new Date(Date.now() - HOUR_MS),
      end: new Date(Date.now()),
      retryAfterS: 3_600,
    });
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, firstAsk + RETRY_AFTER_S * 1_000 + 100 - Date.now())),
    );
    expect(await renewalRun()).toEqual([id]);
    expect(renewalInfoAsks(certId)).toBe(2);

    const renewed = await waitForCertificate(api, token, id, 'issued', worker);
    const renewal = proxy.requests('newOrder').at(-1);
    expect(renewal?.payload).toMatchObject({ replaces: certId });
    const newPem = (
      await api.request('GET', `/api/v1/certificates/${id}/certificate.pem`, { token })
    ).text;
    expect(new X509Certificate(newPem).serialNumber).not.toBe(
      new X509Certificate(pem).serialNumber,
    );
    expect(renewed.validTo).toBe(new Date(new X509Certificate(newPem).validTo).toISOString());
    // The window was the replaced certificate's.
    expect(
      await api.sql(
        'SELECT ari_window_start, ari_window_end, ari_next_poll_at FROM certificates WHERE id = ?',
        [id],
      ),
    ).toEqual([{ ari_window_start: null, ari_window_end: null, ari_next_poll_at: null }]);
  });

  it('falls back to the two-thirds rule for a certificate the CA has no window for', async () => {
    const token = await api.token(uniqueId('no-window'));
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    const { id } = ordered.json as CertificateBody;
    await waitForCertificate(api, token, id, 'issued', worker);
    const pem = (await api.request('GET', `/api/v1/certificates/${id}/certificate.pem`, { token }))
      .text;
    const certId = ariCertId(pem) ?? '';
    await api.sql('UPDATE certificates SET valid_to = ? WHERE id = ?', [
      new Date(Date.now() + 5 * DAY_MS),
      id,
    ]);
    // The proxy answers 404 for a certificate it serves no window for.
    expect(await renewalRun()).toContain(id);
    expect(renewalInfoAsks(certId)).toBe(1);
    await waitForCertificate(api, token, id, 'issued', worker);
    expect(proxy.requests('newOrder').at(-1)?.payload).toMatchObject({ replaces: certId });
  });
});
