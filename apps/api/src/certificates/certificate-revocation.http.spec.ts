import { startCaProxy, testStack, uniqueId, type CaProxy } from '@starchart/testing';
import { Queue } from 'bullmq';
import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import {
  certEnv,
  pebbleCertStatus,
  waitForCertificate,
  type CertificateBody,
} from '../../test/support/certificates';
import { mailEnv, stackInbox, TEST_WEB_URL } from '../../test/support/mail';
import { readEvents } from '../../test/support/sse';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';
import { changeTxtDirectly, zoneNamesUnder } from '../../test/support/zone';

jest.setTimeout(180_000);

/** Orders the person's certificate and waits until it is issued; returns it and its serial. */
async function issue(
  api: ApiHarness,
  token: string,
  worker: WorkerProcess,
): Promise<{ certificate: CertificateBody; serial: string }> {
  const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
  expect(ordered.status).toBe(202);
  const { id } = ordered.json as CertificateBody;
  const certificate = await waitForCertificate(api, token, id, 'issued', worker);
  const pem = await api.request('GET', `/api/v1/certificates/${id}/certificate.pem`, { token });
  return { certificate, serial: new X509Certificate(pem.text).serialNumber };
}

/** Polls the certificate until `done` says so about its answer. */
async function waitFor(
  api: ApiHarness,
  token: string,
  id: string,
  what: string,
  done: (answer: { status: number; json: unknown }) => boolean,
  worker: WorkerProcess,
): Promise<CertificateBody> {
  const deadline = Date.now() + 90_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const answer = await api.request('GET', `/api/v1/certificates/${id}`, { token });
    last = answer.json ?? answer.status;
    if (done(answer)) return answer.json as CertificateBody;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} never happened; last seen ${JSON.stringify(last)}\n${worker.output()}`);
}

const gone = (answer: { status: number }): boolean => answer.status === 404;

/** A job of a certificate's delete flow, as the worker left it. */
async function deleteJob(
  api: ApiHarness,
  step: 'revoke-certificate' | 'remove-certificate',
  id: string,
  version: number,
): Promise<{ returnvalue: unknown; attemptsMade: number } | undefined> {
  const queue = new Queue(step, {
    connection: { url: testStack().redis.url },
    prefix: api.config.queue.prefix,
  });
  try {
    return await queue.getJob(`delete-${id}-v${version}-${step}`);
  } finally {
    await queue.close();
  }
}

describe('deleting a certificate revokes it at the CA first (worker step)', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;

  beforeAll(async () => {
    api = await startApi({ env: certEnv(), tweak: (config) => (config.events.heartbeatMs = 200) });
    worker = await startWorker(api.env);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('answers 202 deleting, revokes it at Pebble with reason 5 (cessationOfOperation), then removes it and its challenge record', async () => {
    const alice = uniqueId('alice');
    const token = await api.token(alice);
    const { certificate, serial } = await issue(api, token, worker);
    expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Valid' });
    // A challenge record a lost order left behind goes with the certificate.
    const challengeName = `_acme-challenge.${alice}.${api.config.rootDomain}`;
    await changeTxtDirectly('UPSERT', challengeName, 'left-behind');

    const path = `/api/v1/certificates/${certificate.id}`;
    const answer = await api.request('DELETE', path, { token });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe(path);
    expect(answer.json).toMatchObject({
      id: certificate.id,
      status: 'deleting',
      statusReason: null,
    });

    const stream = await readEvents(`${api.baseUrl}${path}/events`, token, 60_000);
    // The stream started while the delete ran, or found it gone already.
    if (stream.status === 200)
      expect(stream.events.at(-1)).toEqual({
        event: 'done',
        data: { status: 'gone', statusReason: null, timedOut: false },
      });
    else expect(stream.status).toBe(404);
    await waitFor(api, token, certificate.id, 'the removal', gone, worker);

    expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Revoked', Reason: 5 });
    expect(await zoneNamesUnder(challengeName)).toEqual([]);
    expect((await deleteJob(api, 'revoke-certificate', certificate.id, 2))?.returnvalue).toEqual({
      outcome: 'revoked',
      serial,
    });
    expect((await api.request('DELETE', path, { token })).status).toBe(404);
  });

  it('deletes a certificate that was never issued without asking the CA', async () => {
    const username = uniqueId('never');
    const token = await api.token(username);
    const id = randomUUID();
    await api.sql(
      "INSERT INTO certificates (id, username, domains, status, status_reason, version, updated_at) VALUES (?, ?, ?, 'failed', 'the CA said no', 1, NOW(3) - INTERVAL 1 MINUTE)",
      [id, username, JSON.stringify([`${username}.${api.config.rootDomain}`])],
    );
    const answer = await api.request('DELETE', `/api/v1/certificates/${id}`, { token });
    expect(answer).toMatchObject({ status: 202, json: { status: 'deleting' } });
    await waitFor(api, token, id, 'the removal', gone, worker);
    expect((await deleteJob(api, 'revoke-certificate', id, 2))?.returnvalue).toEqual({
      outcome: 'never-issued',
      serial: null,
    });
  });

  it('refuses force=true for a certificate whose revocation did not fail (409), and a bad force (400)', async () => {
    const username = uniqueId('forcer');
    const token = await api.token(username);
    const id = randomUUID();
    await api.sql(
      "INSERT INTO certificates (id, username, domains, status, version) VALUES (?, ?, '[]', 'failed', 1)",
      [id, username],
    );
    const forced = await api.request('DELETE', `/api/v1/certificates/${id}?force=true`, { token });
    expect(forced).toMatchObject({
      status: 409,
      json: { type: 'urn:starchart:problem:certificate-force-delete-refused' },
    });
    const bad = await api.request('DELETE', `/api/v1/certificates/${id}?force=yes`, { token });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await api.sql('SELECT status FROM certificates WHERE id = ?', [id])).toEqual([
      { status: 'failed' },
    ]);
  });
});

describe('a revocation the CA refuses', () => {
  const inbox = stackInbox();
  let api: ApiHarness;
  let worker: WorkerProcess | undefined;
  // Pebble lets only the account that ordered a certificate (or its key's holder) revoke it.
  const otherAccount = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  beforeAll(async () => {
    api = await startApi({ env: certEnv() });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('keeps the certificate, served, as revocation-failed with the CA’s answer, and mails its owner once; deleting again on the right account revokes it, force removes it without revoking, neither mails', async () => {
    // The worker that issues sends no mail; the others do (MailDev).
    worker = await startWorker(api.env);
    const [carolName, daveName] = [uniqueId('carol'), uniqueId('dave')];
    const [carolMail, daveMail] = [`${carolName}@example.test`, `${daveName}@example.test`];
    const carolToken = await api.token(carolName, { email: carolMail });
    const daveToken = await api.token(daveName, { email: daveMail });
    const carol = await issue(api, carolToken, worker);
    const dave = await issue(api, daveToken, worker);
    await worker.stop();

    worker = await startWorker({ ...api.env, ...mailEnv(), ACME_ACCOUNT_KEY: otherAccount });
    for (const [token, { certificate, serial }] of [
      [carolToken, carol],
      [daveToken, dave],
    ] as const) {
      const path = `/api/v1/certificates/${certificate.id}`;
      expect((await api.request('DELETE', path, { token })).status).toBe(202);
      const kept = await waitFor(
        api,
        token,
        certificate.id,
        'the refusal',
        ({ json }) => (json as CertificateBody).status === 'revocation-failed',
        worker,
      );
      expect(kept.statusReason).toMatch(
        /^Not deleted: the CA did not revoke the certificate: .*403 urn:ietf:params:acme:error:unauthorized.*Delete it again to try again, or delete it with force=true/,
      );
      expect((await api.request('GET', `${path}/fullchain.pem`, { token })).status).toBe(200);
      expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Valid' });
      // Still held: ordering another is refused until it is gone.
      expect(
        (await api.request('POST', '/api/v1/certificates', { token, body: {} })).json,
      ).toMatchObject({ type: 'urn:starchart:problem:certificate-exists' });
    }

    // Each owner is told once: not revoked, the CA's answer, valid until when, what to do.
    const refusals = await inbox.waitFor([carolMail, daveMail], 2, { settleMs: 2_000 });
    for (const [address, { certificate }] of [
      [carolMail, carol],
      [daveMail, dave],
    ] as const) {
      const mails = refusals.filter((mail) => mail.to.some((to) => to.address === address));
      expect(mails.map((mail) => mail.subject)).toEqual([
        `[Starchart] Your certificate for ${certificate.domains.join(', ')} was not revoked`,
      ]);
      const text = mails[0]?.text ?? '';
      expect(text).toContain('was NOT deleted');
      expect(text).toMatch(/Reason: .*403 urn:ietf:params:acme:error:unauthorized/);
      expect(text).toContain(
        `still valid until ${new Date(certificate.validTo ?? '').toUTCString()}`,
      );
      expect(text).toContain('Delete it again from the certificate page later');
      expect(text).toContain(`${TEST_WEB_URL}/certificate`);
    }

    // Forced: removed without asking the CA, which still holds it valid.
    const davePath = `/api/v1/certificates/${dave.certificate.id}`;
    const forced = await api.request('DELETE', `${davePath}?force=true`, { token: daveToken });
    expect(forced).toMatchObject({ status: 202, json: { status: 'deleting' } });
    await waitFor(api, daveToken, dave.certificate.id, 'the forced removal', gone, worker);
    expect(await pebbleCertStatus(dave.serial)).toMatchObject({ Status: 'Valid' });

    // Tried again on the account that ordered it: revoked, then removed.
    await worker.stop();
    worker = await startWorker({ ...api.env, ...mailEnv() });
    const carolPath = `/api/v1/certificates/${carol.certificate.id}`;
    expect((await api.request('DELETE', carolPath, { token: carolToken })).status).toBe(202);
    await waitFor(api, carolToken, carol.certificate.id, 'the removal', gone, worker);
    expect(await pebbleCertStatus(carol.serial)).toMatchObject({ Status: 'Revoked', Reason: 5 });

    // The forced removal and the successful revocation mailed nobody.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(
      (await inbox.mails([carolMail, daveMail])).map((mail) => mail.to[0]?.address).sort(),
    ).toEqual([carolMail, daveMail].sort());
  });
});

describe('a worker killed in the middle of a revocation', () => {
  let api: ApiHarness;
  let proxy: CaProxy;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    const { pebble } = testStack();
    proxy = await startCaProxy({
      directoryUrl: pebble.directoryUrl,
      caCertPath: pebble.caCertPath,
    });
    api = await startApi({ env: { ...certEnv(), ACME_DIRECTORY_URL: proxy.directoryUrl } });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await api?.close();
    await proxy?.close();
  });

  it('loses nothing: the CA revoked it but the answer never came back; the next worker finds it revoked and removes it', async () => {
    workers.push(await startWorker(api.env));
    const [first] = workers;
    if (!first) throw new Error('no worker');
    const token = await api.token(uniqueId('frank'));
    const { certificate, serial } = await issue(api, token, first);

    // The revocation reaches Pebble, but its answer is held until the worker that asked is dead.
    let killed!: () => void;
    const workerDead = new Promise<void>((resolve) => (killed = resolve));
    let revocations = 0;
    let reachedCa!: () => void;
    const revocationSent = new Promise<void>((resolve) => (reachedCa = resolve));
    const revokePath = new URL(await caResource('revokeCert')).pathname;
    proxy.serve(revokePath, async ({ path, body }) => {
      const answer = await forwardToPebble(path, body, new URL(proxy.origin).host);
      // Pebble refuses a share of nonces on purpose, and acme-client asks again: not a revocation.
      if (answer.body.toString().includes('urn:ietf:params:acme:error:badNonce')) return answer;
      revocations += 1;
      if (revocations === 1) {
        reachedCa();
        await workerDead;
      }
      return answer;
    });

    const path = `/api/v1/certificates/${certificate.id}`;
    expect((await api.request('DELETE', path, { token })).status).toBe(202);
    await revocationSent;
    expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Revoked', Reason: 5 });
    await first.kill();
    killed();
    expect(await api.sql('SELECT status FROM certificates WHERE id = ?', [certificate.id])).toEqual(
      [{ status: 'deleting' }],
    );

    const second = await startWorker(api.env);
    workers.push(second);
    await waitFor(api, token, certificate.id, 'the removal after the crash', gone, second);
    expect(revocations).toBe(2);
    expect((await deleteJob(api, 'revoke-certificate', certificate.id, 2))?.returnvalue).toEqual({
      outcome: 'already-revoked',
      serial,
    });
    expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Revoked', Reason: 5 });
  });
});

describe('a revocation while the CA cannot take it', () => {
  let api: ApiHarness;
  let proxy: CaProxy;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    const { pebble } = testStack();
    proxy = await startCaProxy({
      directoryUrl: pebble.directoryUrl,
      caCertPath: pebble.caCertPath,
    });
    api = await startApi({ env: { ...certEnv(), ACME_DIRECTORY_URL: proxy.directoryUrl } });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await proxy?.close();
  });

  it('stays deleting while its revocation waits out a backoff, and revokes once the CA answers', async () => {
    worker = await startWorker(api.env);
    const token = await api.token(uniqueId('grace'));
    const { certificate, serial } = await issue(api, token, worker);
    // One attempt of the job: acme-client's own two quick retries, then BullMQ's backoff (5 s).
    const unavailable = proxy.answer(
      'revokeCert',
      {
        status: 503,
        headers: { 'content-type': 'application/problem+json' },
        body: { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'down for the test' },
      },
      { times: 3 },
    );
    const path = `/api/v1/certificates/${certificate.id}`;
    expect((await api.request('DELETE', path, { token })).status).toBe(202);

    const waiting = await waitFor(
      api,
      token,
      certificate.id,
      'a failed attempt',
      ({ json }) =>
        (json as CertificateBody).steps?.some(
          (step) => step.step === 'revoke-certificate' && step.attempts > 0,
        ) ?? false,
      worker,
    );
    expect(waiting.status).toBe('deleting');
    expect(waiting.steps?.find((step) => step.step === 'revoke-certificate')).toMatchObject({
      state: 'delayed',
      attempts: 1,
      failedReason: expect.stringContaining('the ACME server answered 503'),
    });
    expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Valid' });

    await waitFor(api, token, certificate.id, 'the removal', gone, worker);
    expect(unavailable.hits()).toBe(3);
    expect(await pebbleCertStatus(serial)).toMatchObject({ Status: 'Revoked', Reason: 5 });
    expect((await deleteJob(api, 'revoke-certificate', certificate.id, 2))?.attemptsMade).toBe(2);
  });
});

/** The URL Pebble's directory gives `resource`. */
async function caResource(resource: string): Promise<string> {
  const { pebble } = testStack();
  const answer = await pebbleRequest(new URL(pebble.directoryUrl), 'GET', undefined, undefined);
  const url = (JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>)[resource];
  if (typeof url !== 'string') throw new Error(`Pebble's directory has no ${resource}`);
  return url;
}

/** What the proxy does for requests it does not serve: the JWS passed on to Pebble unchanged. */
async function forwardToPebble(
  path: string,
  body: Buffer,
  host: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const target = new URL(path, testStack().pebble.directoryUrl);
  return pebbleRequest(target, 'POST', body, host);
}

function pebbleRequest(
  url: URL,
  method: string,
  body: Buffer | undefined,
  host: string | undefined,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const agent = new Agent({ ca: readFileSync(testStack().pebble.caCertPath) });
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(body && { 'content-type': 'application/jose+json' }),
          ...(host && { host }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          agent.destroy();
          const type = response.headers['content-type'];
          resolve({
            status: response.statusCode ?? 502,
            headers: type ? { 'content-type': type } : {},
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
