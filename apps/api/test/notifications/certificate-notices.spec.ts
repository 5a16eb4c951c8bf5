import { CERT_QUEUES } from '@starchart/cert-flow';
import { testStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { generateKeyPairSync } from 'node:crypto';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv, waitForCertificate, type CertificateBody } from '../support/certificates';
import { startChallengeDnsServer, type ChallengeDnsServer } from '../support/challenge-dns-server';
import { mailEnv, stackInbox, TEST_WEB_URL } from '../support/mail';
import { startWorker, type WorkerProcess } from '../support/worker-process';
import { changeTxtDirectly, queryDns, type DnsAnswer } from '../support/zone';

jest.setTimeout(120_000);

const DAY_MS = 86_400_000;

/**
 * The worker's DNS check asks a server of the test's own, while Pebble asks the zone: serving
 * what the worker wrote lets the order validate; rewriting the zone first makes the CA refuse.
 */
describe('mails about certificates: issued, failed, renewal failed, expiring (Pebble, MailDev)', () => {
  const inbox = stackInbox();
  let api: ApiHarness;
  let worker: WorkerProcess;
  let checkServer: ChallengeDnsServer;
  let redis: Redis;
  let renewQueue: Queue;
  const alice = uniqueId('alice');
  const bob = uniqueId('bob');
  const aliceMail = `${alice}@example.test`;
  const bobMail = `${bob}@example.test`;

  beforeAll(async () => {
    api = await startApi({ env: certEnv() });
    checkServer = await startChallengeDnsServer();
    worker = await startWorker({
      ...api.env,
      ...certEnv(),
      ...mailEnv(),
      ACME_DNS_CHECK_SERVER: checkServer.address,
    });
    redis = new Redis(testStack().redis.url, { maxRetriesPerRequest: null });
    renewQueue = new Queue(CERT_QUEUES.renewCertificates, {
      connection: redis,
      prefix: api.queuePrefix,
    });
  });

  afterAll(async () => {
    await renewQueue?.close();
    redis?.disconnect();
    await worker?.stop();
    await checkServer?.close();
    await api?.close();
  });

  /** The values an order wrote, once the zone serves them (not those of an earlier order). */
  const servedBefore = new Set<string>();
  async function writtenChallenge(username: string): Promise<{ name: string; data: string[] }> {
    const name = `_acme-challenge.${username}.${api.config.rootDomain}`;
    const answer = await dnsAnswer(
      name,
      (found) =>
        found.data.length === 2 && !found.data.some((value) => servedBefore.has(String(value))),
    );
    const data = answer.data.map(String);
    for (const value of data) servedBefore.add(value);
    return { name, data };
  }

  /** The CA finds a value it never asked for, while the worker's check sees what it wrote. */
  async function spoilChallenge(username: string): Promise<void> {
    const { name, data } = await writtenChallenge(username);
    await changeTxtDirectly('UPSERT', name, 'not-a-key-authorization');
    await dnsAnswer(name, (found) => found.data[0] === 'not-a-key-authorization');
    checkServer.serve(name, data);
  }

  async function runRenewals(): Promise<void> {
    const job = await renewQueue.add('renewCertificates', {});
    const deadline = Date.now() + 30_000;
    while ((await job.getState()) !== 'completed') {
      if (Date.now() > deadline) throw new Error(`renewal run stuck:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('tells of an order the CA refused, with its reason', async () => {
    const token = await api.token(bob, { email: bobMail });
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    const { id } = ordered.json as CertificateBody;
    await spoilChallenge(bob);
    const failed = await waitForCertificate(api, token, id, 'failed', worker);

    const mails = await inbox.waitFor([bobMail], 1, { settleMs: 2_000 });
    expect(mails.map((mail) => mail.subject)).toEqual([
      `[Starchart] Your certificate for ${failed.domains.join(', ')} could not be issued`,
    ]);
    expect(mails[0]?.text).toContain(`Reason: ${failed.statusReason}`);
  });

  it('tells of an issued certificate, of its failed renewal with the current expiry, and of its coming end, each once', async () => {
    const token = await api.token(alice, { email: aliceMail });
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    const { id } = ordered.json as CertificateBody;
    const written = await writtenChallenge(alice);
    checkServer.serve(written.name, written.data);
    const issued = await waitForCertificate(api, token, id, 'issued', worker);

    const [ready] = await inbox.waitFor([aliceMail], 1);
    expect(ready?.subject).toBe(
      `[Starchart] Your certificate for ${issued.domains.join(', ')} is ready`,
    );
    expect(ready?.text).toContain(`${TEST_WEB_URL}/certificate`);

    // Due for renewal (5 days left), on a worker whose Route 53 zone refuses the challenge
    // record, so the renewal fails. It orders with an ACME account of its own: the CA would let
    // the first account reuse the authorizations it just validated, and ask for no record.
    const validTo = new Date(Date.now() + 5 * DAY_MS);
    await api.sql('UPDATE certificates SET valid_to = ? WHERE id = ?', [validTo, id]);
    await worker.stop();
    const zone = await fetch(`${testStack().emulator.apiUrl}/_emulator/zones`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `${uniqueId('elsewhere')}.test` }),
    });
    const elsewhere = (await zone.json()) as { id: string };
    worker = await startWorker({
      ...api.env,
      ...certEnv(),
      ...mailEnv(),
      ROUTE53_HOSTED_ZONE_ID: elsewhere.id,
      ACME_ACCOUNT_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    });
    await runRenewals();
    const failed = await waitForCertificate(api, token, id, 'failed', worker);
    const mails = await inbox.waitFor([aliceMail], 2);
    const renewal = mails.find((mail) => mail.subject.includes('could not be renewed'));
    expect(renewal?.text).toContain(`Reason: ${failed.statusReason}`);
    expect(renewal?.text).toContain(`stays valid until ${validTo.toUTCString()}`);

    // The next renewal runs find it ending within 14 days with no renewal: one mail for both.
    // Neither tries the renewal again: the first retry waits an hour after the failure.
    await runRenewals();
    await runRenewals();
    expect(
      await api.sql('SELECT status, renewal_failures FROM certificates WHERE id = ?', [id]),
    ).toEqual([{ status: 'failed', renewal_failures: 1 }]);
    const all = await inbox.waitFor([aliceMail], 3, { settleMs: 2_000 });
    expect(all.map((mail) => mail.subject)).toEqual([
      `[Starchart] Your certificate for ${issued.domains.join(', ')} is ready`,
      `[Starchart] Your certificate for ${issued.domains.join(', ')} could not be renewed`,
      `[Starchart] Your certificate for ${issued.domains.join(', ')} expires soon`,
    ]);
  });
});

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
