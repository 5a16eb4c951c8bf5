import {
  CERT_QUEUES,
  CertFlowQueues,
  CertFlowService,
  CertificateAdmissions,
  CertificateRenewals,
  IssuanceLedger,
  RENEWAL_SCHEDULER_ID,
  RenewalInfoClient,
  toCertStepSettings,
  type CertJobData,
} from '@starchart/cert-flow';
import {
  CertificateEntity,
  CertificatesRepository,
  createDataSourceOptions,
} from '@starchart/persistence';
import { testStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import {
  certEnv,
  pebbleIssuers,
  waitForCertificate,
  type CertificateBody,
} from '../../test/support/certificates';
import {
  startChallengeDnsServer,
  type ChallengeDnsServer,
} from '../../test/support/challenge-dns-server';
import { readEvents } from '../../test/support/sse';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';
import {
  changeTxtDirectly,
  queryDns,
  zoneNamesUnder,
  type DnsAnswer,
} from '../../test/support/zone';

jest.setTimeout(120_000);

async function pem(api: ApiHarness, token: string, id: string, file: string): Promise<string> {
  const answer = await api.request('GET', `/api/v1/certificates/${id}/${file}`, { token });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toContain('application/x-pem-file');
  return answer.text;
}

/** Every string value under the queue prefix: job data, return values, failure reasons. */
async function redisText(api: ApiHarness): Promise<string> {
  const redis = new Redis(testStack().redis.url);
  try {
    const parts: string[] = [];
    for (const key of await api.queueKeys()) {
      const type = await redis.type(key);
      if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') parts.push((await redis.get(key)) ?? '');
    }
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('certificates end to end, with the worker, the Route 53 emulator and Pebble', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  const alice = uniqueId('alice');
  let token: string;
  let issued: CertificateBody;

  beforeAll(async () => {
    api = await startApi({ env: certEnv(), tweak: (config) => (config.events.heartbeatMs = 200) });
    worker = await startWorker(api.env);
    token = await api.token(alice);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('issues a certificate for the user and its wildcard that chains to Pebble and matches its key', async () => {
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    const certificate = ordered.json as CertificateBody;
    const names = [`${alice}.${api.config.rootDomain}`, `*.${alice}.${api.config.rootDomain}`];
    expect(certificate).toMatchObject({ status: 'pending', domains: names, validTo: null });
    expect(ordered.headers.get('location')).toBe(`/api/v1/certificates/${certificate.id}`);

    // Without a body, as a browser sends an action that takes no input.
    const second = await api.request('POST', '/api/v1/certificates', { token });
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ type: 'urn:starchart:problem:certificate-busy' });

    const stream = await readEvents(
      `${api.baseUrl}/api/v1/certificates/${certificate.id}/events`,
      token,
      90_000,
    );
    expect(stream.events.at(-1)).toEqual({
      event: 'done',
      data: { status: 'issued', statusReason: null, timedOut: false },
    });

    issued = await waitForCertificate(api, token, certificate.id, 'issued', worker);
    expect(issued.steps?.map((step) => step.state)).toEqual(Array(6).fill('completed'));

    const leaf = new X509Certificate(await pem(api, token, certificate.id, 'certificate.pem'));
    expect(leaf.subjectAltName?.split(', ').sort()).toEqual(names.map((n) => `DNS:${n}`).sort());
    expect(issued.validTo).toBe(new Date(leaf.validTo).toISOString());

    const { root, intermediate } = await pebbleIssuers();
    const chain = new X509Certificate(await pem(api, token, certificate.id, 'chain.pem'));
    expect(chain.fingerprint256).toBe(intermediate.fingerprint256);
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    const fullchain = await pem(api, token, certificate.id, 'fullchain.pem');
    expect(fullchain).toContain(leaf.toString().trim());
    expect(fullchain).toContain(intermediate.toString().trim());

    const key = await pem(api, token, certificate.id, 'privkey.pem');
    expect(leaf.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(createPrivateKey(key).asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });

    // The key is sealed at rest and appears nowhere but in its owner's download.
    const [row] = (await api.sql('SELECT private_key_encrypted FROM certificates WHERE id = ?', [
      certificate.id,
    ])) as { private_key_encrypted: string }[];
    expect(row?.private_key_encrypted).toMatch(/^v1\.[0-9a-f]{12}\./);
    expect(row?.private_key_encrypted).not.toContain('PRIVATE KEY');
    expect(await redisText(api)).not.toContain('PRIVATE KEY');
    expect(worker.output()).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(api.logs)).not.toContain('PRIVATE KEY');

    expect(await zoneNamesUnder(`_acme-challenge.${alice}.${api.config.rootDomain}`)).toEqual([]);
  });

  it('lets an admin read the certificate but not its private key, and hides it from other users', async () => {
    const admin = await api.token(uniqueId('admin'), { admin: true });
    const stranger = await api.token(uniqueId('bob'));
    const path = `/api/v1/certificates/${issued.id}`;
    expect((await api.request('GET', path, { token: admin })).status).toBe(200);
    expect((await api.request('GET', `${path}/fullchain.pem`, { token: admin })).status).toBe(200);
    const key = await api.request('GET', `${path}/privkey.pem`, { token: admin });
    expect(key.status).toBe(403);
    expect(key.text).not.toContain('PRIVATE KEY');
    expect((await api.request('GET', path, { token: stranger })).status).toBe(404);
    expect((await api.request('GET', `${path}/privkey.pem`, { token: stranger })).status).toBe(404);
  });

  it('keeps a due certificate issued when its renewal flow cannot be added', async () => {
    const [row] = (await api.sql('SELECT flow_id FROM certificates WHERE id = ?', [issued.id])) as {
      flow_id: string;
    }[];
    await makeDue(api, issued.id);
    await withRenewals(
      api,
      (renewals) => expect(renewals.renewDue()).rejects.toThrow('the queue is down'),
      () => Promise.reject(new Error('the queue is down')),
    );
    expect(
      await api.sql('SELECT status, flow_id FROM certificates WHERE id = ?', [issued.id]),
    ).toEqual([{ status: 'issued', flow_id: row?.flow_id }]);
  });

  it('renews a certificate that is due once, even when two renewal runs race', async () => {
    const queue = new Queue(CERT_QUEUES.renewCertificates, {
      connection: { url: testStack().redis.url },
      prefix: api.queuePrefix,
    });
    const schedulers = await queue.getJobSchedulers();
    await queue.close();
    expect(schedulers.map((scheduler) => scheduler.key)).toContain(RENEWAL_SCHEDULER_ID);

    const before = new X509Certificate(await pem(api, token, issued.id, 'certificate.pem'));
    const keyBefore = await pem(api, token, issued.id, 'privkey.pem');
    await makeDue(api, issued.id);

    const rowsAtStart = await withRenewals(api, async (renewals) => {
      const runs = await Promise.all([renewals.renewDue(), renewals.renewDue()]);
      expect(runs.flat()).toEqual([issued.id]);
    });
    // The worker's first step looks the row up by its new flow id: it must be committed first.
    expect(rowsAtStart).toEqual([
      { status: 'renewing', flow_id: expect.stringMatching(/^renew-.+-cleanup-challenge$/) },
    ]);

    const renewing = await api.request('GET', `/api/v1/certificates/${issued.id}`, { token });
    expect(renewing.json).toMatchObject({ status: 'renewing' });
    // The current certificate stays downloadable while its successor is ordered.
    expect(
      (await api.request('GET', `/api/v1/certificates/${issued.id}/fullchain.pem`, { token }))
        .status,
    ).toBe(200);

    const renewed = await waitForCertificate(api, token, issued.id, 'issued', worker);
    const after = new X509Certificate(await pem(api, token, issued.id, 'certificate.pem'));
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect(renewed.validTo).toBe(new Date(after.validTo).toISOString());
    const key = await pem(api, token, issued.id, 'privkey.pem');
    expect(after.checkPrivateKey(createPrivateKey(key))).toBe(true);
    // A renewal gets a new private key by default.
    expect(key).not.toBe(keyBefore);
    expect(after.publicKey.export({ type: 'spki', format: 'der' })).not.toEqual(
      before.publicKey.export({ type: 'spki', format: 'der' }),
    );
    const flows = (await api.queueKeys()).filter((key) =>
      /:cleanup-challenge:renew-[^:]+$/.test(key),
    );
    expect(flows).toHaveLength(1);
  });

  it('keeps the private key on renewal with CERT_RENEW_REUSE_KEY=true', async () => {
    await worker.stop();
    worker = await startWorker({ ...api.env, CERT_RENEW_REUSE_KEY: 'true' });
    try {
      const before = new X509Certificate(await pem(api, token, issued.id, 'certificate.pem'));
      const keyBefore = await pem(api, token, issued.id, 'privkey.pem');
      await makeDue(api, issued.id);
      await withRenewals(api, async (renewals) =>
        expect(await renewals.renewDue()).toEqual([issued.id]),
      );
      await waitForCertificate(api, token, issued.id, 'issued', worker);
      const after = new X509Certificate(await pem(api, token, issued.id, 'certificate.pem'));
      expect(after.serialNumber).not.toBe(before.serialNumber);
      expect(await pem(api, token, issued.id, 'privkey.pem')).toBe(keyBefore);
      expect(after.checkPrivateKey(createPrivateKey(keyBefore))).toBe(true);
    } finally {
      await worker.stop();
      worker = await startWorker(api.env);
    }
  });

  it('tries a failed renewal again after its backoff, the current certificate still served', async () => {
    const sql = 'SELECT status, version, flow_id FROM certificates WHERE id = ?';
    const [before] = (await api.sql(sql, [issued.id])) as {
      status: string;
      version: number;
      flow_id: string;
    }[];
    await makeDue(api, issued.id);
    // Two renewals failed in a row: the next one waits 2 h (1 h doubling) after the last.
    const failed = (minutesAgo: number): Promise<unknown> =>
      api.sql(
        "UPDATE certificates SET status = 'failed', status_reason = 'the CA said no', " +
          'renewal_failures = 2, updated_at = NOW(3) - INTERVAL ? MINUTE WHERE id = ?',
        [minutesAgo, issued.id],
      );
    await failed(115);
    await withRenewals(
      api,
      async (renewals) => expect(await renewals.renewDue()).toEqual([]),
      () => Promise.reject(new Error('nothing is due')),
    );
    const served = `/api/v1/certificates/${issued.id}/fullchain.pem`;
    expect((await api.request('GET', served, { token })).status).toBe(200);
    await failed(125);
    await withRenewals(
      api,
      async (renewals) => expect(await renewals.renewDue()).toEqual([issued.id]),
      () => Promise.resolve('not added in this test'),
    );
    expect(await api.sql(sql, [issued.id])).toEqual([
      expect.objectContaining({ status: 'renewing', version: (before?.version ?? 0) + 1 }),
    ]);
    expect((await api.request('GET', served, { token })).status).toBe(200);
    // Back as it was, for the next test.
    await api.sql(
      'UPDATE certificates SET status = ?, status_reason = NULL, renewal_failures = 0, ' +
        'version = ?, flow_id = ?, updated_at = NOW(3) - INTERVAL 1 HOUR WHERE id = ?',
      [before?.status, before?.version, before?.flow_id, issued.id],
    );
  });

  it('deletes an issued certificate (revoked first: certificate-revocation.http.spec.ts)', async () => {
    const path = `/api/v1/certificates/${issued.id}`;
    expect((await api.request('DELETE', path, { token })).status).toBe(202);
    const deadline = Date.now() + 30_000;
    while ((await api.request('GET', path, { token })).status !== 404 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await api.request('GET', path, { token })).status).toBe(404);
  });
});

/** Moves the certificate into the renewal window. */
async function makeDue(api: ApiHarness, id: string): Promise<void> {
  await api.sql('UPDATE certificates SET valid_to = ? WHERE id = ?', [
    new Date(Date.now() + 5 * 86_400_000),
    id,
  ]);
}

/**
 * Runs `work` with a renewal service of this process on the api's database and queues. Returns
 * the certificate rows as another connection (the worker's) saw them right before each flow was
 * added; `start` replaces adding the flow.
 */
async function withRenewals(
  api: ApiHarness,
  work: (renewals: CertificateRenewals) => Promise<unknown>,
  start?: (data: CertJobData) => Promise<string>,
): Promise<unknown[]> {
  const rowsAtStart: unknown[] = [];
  class ObservedFlows extends CertFlowService {
    override async start(data: CertJobData): Promise<string> {
      const sql = 'SELECT status, flow_id FROM certificates WHERE id = ?';
      rowsAtStart.push(...((await api.sql(sql, [data.certificateId])) as unknown[]));
      return start ? start(data) : super.start(data);
    }
  }
  const dataSource = await new DataSource(
    createDataSourceOptions(api.config.database),
  ).initialize();
  const queues = CertFlowQueues.open(api.config.queue);
  try {
    const { pebble } = testStack();
    const settings = toCertStepSettings({
      queue: api.config.queue,
      acme: { directoryUrl: pebble.directoryUrl },
      encryption: { key: Buffer.alloc(32).toString('base64'), retiredKeys: [] },
      keyType: 'ecdsa-p256',
      renewBeforeDays: 30,
      renewEveryMs: 6 * 3_600_000,
    });
    const orders = new CertificatesRepository(dataSource.getRepository(CertificateEntity));
    // Pebble's directory offers no renewalInfo: the two-thirds rule.
    const renewalInfo = new RenewalInfoClient({
      directoryUrl: pebble.directoryUrl,
      caCertPem: readFileSync(pebble.caCertPath, 'utf8'),
    });
    const flows = new ObservedFlows(queues);
    const ledger = new IssuanceLedger(
      queues.connection,
      api.config.queue.prefix,
      api.config.certBudgets,
    );
    const admissions = new CertificateAdmissions(ledger, orders, flows);
    await work(new CertificateRenewals(orders, flows, settings, renewalInfo, admissions));
    return rowsAtStart;
  } finally {
    await queues.onApplicationShutdown();
    await dataSource.destroy();
  }
}

describe('a certificate order that fails', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  const carol = uniqueId('carol');

  beforeAll(async () => {
    api = await startApi({ env: certEnv() });
    // A hosted zone of another domain: Route 53 refuses the challenge name as outside it.
    const zone = await fetch(`${testStack().emulator.apiUrl}/_emulator/zones`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `${uniqueId('elsewhere')}.test` }),
    });
    const { id } = (await zone.json()) as { id: string };
    worker = await startWorker({ ...api.env, ROUTE53_HOSTED_ZONE_ID: id });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('ends failed with Route 53’s reason and leaves no challenge record when the record is refused', async () => {
    const token = await api.token(carol);
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    const { id } = ordered.json as CertificateBody;

    const failed = await waitForCertificate(api, token, id, 'failed', worker);
    expect(failed.statusReason).toMatch(
      new RegExp(`^Route 53 refused the challenge record _acme-challenge\\.${carol}\\.`),
    );
    expect(failed.steps?.map((step) => [step.step, step.state])).toEqual([
      ['cleanup-challenge', 'completed'],
      ['finalize-certificate', 'failed'],
      ['validate-challenges', 'failed'],
      ['check-challenge-dns', 'failed'],
      ['write-challenge-record', 'failed'],
      ['create-acme-order', 'completed'],
    ]);
    // Refused at once, not retried: one attempt.
    expect(failed.steps?.find((step) => step.step === 'write-challenge-record')).toMatchObject({
      attempts: 1,
    });
    expect(await zoneNamesUnder(`_acme-challenge.${carol}.${api.config.rootDomain}`)).toEqual([]);
    const download = await api.request('GET', `/api/v1/certificates/${id}/privkey.pem`, { token });
    expect(download.status).toBe(409);

    // Failed is settled: the user may order again.
    const again = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ id, status: 'pending', statusReason: null });
    await waitForCertificate(api, token, id, 'failed', worker);
  });
});

describe('a certificate order the CA refuses after its challenge record was written', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let checkServer: ChallengeDnsServer;
  const dave = uniqueId('dave');

  beforeAll(async () => {
    api = await startApi({ env: certEnv() });
    // The worker's DNS check asks this server; Pebble keeps asking the emulator.
    checkServer = await startChallengeDnsServer();
    worker = await startWorker({ ...api.env, ACME_DNS_CHECK_SERVER: checkServer.address });
  });

  afterAll(async () => {
    await worker?.stop();
    await checkServer?.close();
    await api?.close();
  });

  it('ends failed with the CA’s reason and removes the challenge record it had written', async () => {
    const token = await api.token(dave);
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    const { id } = ordered.json as CertificateBody;
    const challengeName = `_acme-challenge.${dave}.${api.config.rootDomain}`;

    // Written: one value per name (the user's and its wildcard), served by the zone's DNS.
    const written = await dnsAnswer(challengeName, (answer) => answer.data.length === 2);
    // Something else rewrites the record, so the CA finds a value it never asked for...
    await changeTxtDirectly('UPSERT', challengeName, 'not-a-key-authorization');
    await dnsAnswer(challengeName, (answer) => answer.data[0] === 'not-a-key-authorization');
    // ...while the worker's check still sees what it wrote and asks the CA to validate.
    checkServer.serve(challengeName, written.data);

    const failed = await waitForCertificate(api, token, id, 'failed', worker);
    expect(failed.statusReason).toMatch(
      new RegExp(
        `^the CA could not validate (\\*\\.)?${dave}\\.${api.config.rootDomain}: .+ ` +
          `\\(it reads the TXT record ${challengeName}\\); nothing was issued, order again$`,
      ),
    );
    expect(failed.steps?.map((step) => [step.step, step.state])).toEqual([
      ['cleanup-challenge', 'completed'],
      ['finalize-certificate', 'failed'],
      ['validate-challenges', 'failed'],
      ['check-challenge-dns', 'completed'],
      ['write-challenge-record', 'completed'],
      ['create-acme-order', 'completed'],
    ]);
    // The root removed the set it found there, whatever its values had become.
    expect(await zoneNamesUnder(challengeName)).toEqual([]);
  });
});

describe('a certificate order while the CA cannot be reached', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;

  beforeAll(async () => {
    api = await startApi({ env: certEnv() });
    worker = await startWorker({ ...api.env, ACME_DIRECTORY_URL: await closedPortUrl() });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('stays pending while its first step waits out a backoff, instead of failing', async () => {
    const token = await api.token(uniqueId('erin'));
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    const { id } = ordered.json as CertificateBody;

    const deadline = Date.now() + 30_000;
    let seen: CertificateBody;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = (await api.request('GET', `/api/v1/certificates/${id}`, { token }))
        .json as CertificateBody;
    } while (!seen.steps?.some((step) => step.attempts > 0) && Date.now() < deadline);

    expect(seen.status).toBe('pending');
    expect(seen.steps?.find((step) => step.step === 'create-acme-order')).toMatchObject({
      state: 'delayed',
      attempts: 1,
      failedReason: expect.stringContaining('the ACME server cannot be reached: ECONNREFUSED'),
    });
  });
});

describe('a certificate order whose flow nobody works on', () => {
  let api: ApiHarness;

  // No worker: a flow that lands stays waiting (live), one that never lands stays missing.
  beforeAll(async () => {
    api = await startApi({ env: certEnv(), tweak: (config) => (config.flowStartTimeoutMs = 300) });
  });

  afterAll(async () => {
    await api?.close();
  });

  /** An order whose flow Redis does not confirm in time: accepted, and it never lands. */
  async function orderUnconfirmed(token: string): Promise<CertificateBody> {
    const start = jest
      .spyOn(api.app.get(CertFlowService), 'start')
      .mockImplementationOnce(() => new Promise<string>(() => undefined));
    try {
      const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
      expect(start).toHaveBeenCalledTimes(1);
      expect(ordered.status).toBe(202);
      return ordered.json as CertificateBody;
    } finally {
      start.mockRestore();
    }
  }

  /** As if the row had been committed a minute ago: past the window in which a late flow lands. */
  const settle = (id: string): Promise<unknown> =>
    api.sql('UPDATE certificates SET updated_at = NOW(3) - INTERVAL 1 MINUTE WHERE id = ?', [id]);

  it('keeps an order Redis is too slow to confirm pending (202), for the safety net to start', async () => {
    const token = await api.token(uniqueId('slow'));
    const ordered = await orderUnconfirmed(token);
    expect(ordered.status).toBe('pending');
    const [row] = (await api.sql('SELECT status, flow_id, resumes FROM certificates WHERE id = ?', [
      ordered.id,
    ])) as { status: string; flow_id: string; resumes: number }[];
    expect(row).toEqual({
      status: 'pending',
      flow_id: `issue-${ordered.id}-v1-cleanup-challenge`,
      resumes: 0,
    });
    const queue = new Queue(CERT_QUEUES.cleanupChallenge, {
      connection: { url: testStack().redis.url },
      prefix: api.config.queue.prefix,
    });
    try {
      expect(await queue.getJob(row?.flow_id ?? '')).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it('refuses to order again or delete while the flow is live or may still land (409)', async () => {
    const token = await api.token(uniqueId('busy'));
    const live = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(live.status).toBe(202);
    const { id } = live.json as CertificateBody;
    await settle(id);
    for (const answer of [
      await api.request('POST', '/api/v1/certificates', { token, body: {} }),
      await api.request('DELETE', `/api/v1/certificates/${id}`, { token }),
    ])
      expect(answer).toMatchObject({
        status: 409,
        json: { type: 'urn:starchart:problem:certificate-busy' },
      });

    const other = await api.token(uniqueId('landing'));
    await orderUnconfirmed(other);
    const again = await api.request('POST', '/api/v1/certificates', { token: other, body: {} });
    expect(again.status).toBe(409);
  });

  it('lets the person order again a pending certificate whose flow is gone: the next version', async () => {
    const token = await api.token(uniqueId('stuck'));
    const stuck = await orderUnconfirmed(token);
    await settle(stuck.id);
    const again = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ id: stuck.id, status: 'pending' });
    const [row] = (await api.sql('SELECT flow_id, version FROM certificates WHERE id = ?', [
      stuck.id,
    ])) as { flow_id: string; version: number }[];
    expect(row).toEqual({ flow_id: `issue-${stuck.id}-v2-cleanup-challenge`, version: 2 });
  });

  it('lets the person delete a pending certificate whose flow is gone: deleting, with its delete flow', async () => {
    const token = await api.token(uniqueId('gone'));
    const stuck = await orderUnconfirmed(token);
    await settle(stuck.id);
    const path = `/api/v1/certificates/${stuck.id}`;
    const answer = await api.request('DELETE', path, { token });
    expect(answer).toMatchObject({ status: 202, json: { id: stuck.id, status: 'deleting' } });
    const flowId = `delete-${stuck.id}-v2-remove-certificate`;
    expect(
      await api.sql('SELECT status, flow_id FROM certificates WHERE id = ?', [stuck.id]),
    ).toEqual([{ status: 'deleting', flow_id: flowId }]);
    const queue = new Queue(CERT_QUEUES.removeCertificate, {
      connection: { url: testStack().redis.url },
      prefix: api.config.queue.prefix,
    });
    try {
      expect(await queue.getJobState(flowId)).toBe('waiting-children');
    } finally {
      await queue.close();
    }
    // Asked again while its delete flow waits for a worker: the same answer, nothing new.
    const again = await api.request('DELETE', path, { token });
    expect(again).toMatchObject({ status: 202, json: { status: 'deleting' } });
    expect(await api.sql('SELECT version FROM certificates WHERE id = ?', [stuck.id])).toEqual([
      { version: 2 },
    ]);
    // And no new order over a certificate being deleted.
    expect(
      (await api.request('POST', '/api/v1/certificates', { token, body: {} })).json,
    ).toMatchObject({ type: 'urn:starchart:problem:certificate-busy' });
  });
});

/** An https URL on a loopback port nothing listens on: bound once, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return `https://127.0.0.1:${port}/dir`;
}

/** Polls the emulator's DNS until its answer for the TXT name satisfies `wanted`. */
async function dnsAnswer(name: string, wanted: (answer: DnsAnswer) => boolean): Promise<DnsAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await queryDns(name, 'TXT');
    if (wanted(answer)) return answer;
    if (Date.now() > deadline)
      throw new Error(`${name} TXT never matched; last answer ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
