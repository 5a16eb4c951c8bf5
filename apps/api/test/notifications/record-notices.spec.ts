import { EXPIRE_RECORDS_QUEUE, type ExpiryReport } from '@starchart/dns-flow';
import { testStack, uniqueId, type InboxMail } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ApiHarness, startApi } from '../support/api-harness';
import { mailEnv, stackInbox, TEST_WEB_URL } from '../support/mail';
import { startWorker, type WorkerProcess } from '../support/worker-process';
import { changeTxtDirectly } from '../support/zone';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;

interface RecordBody {
  id: string;
  status: string;
  expiresAt: string;
}

describe('mails about records (api, built worker, MailDev)', () => {
  const inbox = stackInbox();
  let api: ApiHarness;
  let worker: WorkerProcess;
  let redis: Redis;
  let expiryQueue: Queue<unknown, ExpiryReport>;
  const alice = uniqueId('alice');
  const carol = uniqueId('carol');
  const dan = uniqueId('dan');
  const aliceMail = `${alice}@example.test`;
  const carolMail = `${carol}@example.test`;
  let aliceToken: string;
  let carolToken: string;

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker({ ...api.env, ...mailEnv() });
    redis = new Redis(testStack().redis.url, { maxRetriesPerRequest: null });
    expiryQueue = new Queue(EXPIRE_RECORDS_QUEUE, { connection: redis, prefix: api.queuePrefix });
    // Each person's first request records their address (the token's email claim); dan has none.
    aliceToken = await api.token(alice, { email: aliceMail });
    carolToken = await api.token(carol, { email: carolMail });
    for (const token of [aliceToken, carolToken, await api.token(dan)])
      expect((await api.request('GET', '/api/v1/me/notifications', { token })).status).toBe(200);
  });

  afterAll(async () => {
    await expiryQueue?.close();
    redis?.disconnect();
    await worker?.stop();
    await api?.close();
  });

  async function runExpiryTwiceAtOnce(): Promise<ExpiryReport[]> {
    const jobs = await Promise.all([
      expiryQueue.add('expireRecords', {}),
      expiryQueue.add('expireRecords', {}),
    ]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const states = await Promise.all(jobs.map((job) => job.getState()));
      if (states.includes('failed')) throw new Error(`an expiry run failed:\n${worker.output()}`);
      if (states.every((state) => state === 'completed')) break;
      if (Date.now() > deadline) throw new Error(`expiry runs stuck in ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const done = await Promise.all(jobs.map((job) => expiryQueue.getJob(job.id ?? '')));
    return done.map((job) => job?.returnvalue as ExpiryReport);
  }

  async function expireIn(id: string, days: number): Promise<Date> {
    const expiresAt = new Date(Date.now() + days * DAY_MS);
    await api.sql('UPDATE dns_records SET expires_at = ? WHERE id = ?', [expiresAt, id]);
    return expiresAt;
  }

  const subjects = (mails: InboxMail[]): string[] => mails.map((mail) => mail.subject).sort();
  const expiryMails = (mails: InboxMail[]): InboxMail[] =>
    mails.filter((mail) => !mail.subject.endsWith(' failed'));

  it('tells the owner once when a change fails, with the reason and a link to the record', async () => {
    const fqdn = `clash.${alice}.${api.config.rootDomain}`;
    // Another tool's TXT record: Route 53 refuses a CNAME beside it.
    await changeTxtDirectly('CREATE', fqdn, 'placed by hand');
    const created = await api.request('POST', '/api/v1/records', {
      token: aliceToken,
      body: { name: 'clash', type: 'CNAME', value: 'example.org' },
    });
    expect(created.status).toBe(202);
    const { id } = created.json as RecordBody;

    const [mail, ...more] = await inbox.waitFor([aliceMail], 1);
    expect(more).toEqual([]);
    expect(mail?.subject).toBe(`[Starchart] Your record ${fqdn} (CNAME) failed`);
    const record = await api.request('GET', `/api/v1/records/${id}`, { token: aliceToken });
    const { statusReason } = record.json as { statusReason: string };
    expect(mail?.text).toContain(`Reason: ${statusReason}`);
    expect(mail?.text).toContain(`${TEST_WEB_URL}/records/${id}`);
    expect(mail?.html).toContain(`href="${TEST_WEB_URL}/records/${id}"`);
    expect(mail?.text).toContain(`${TEST_WEB_URL}/settings/notifications`);
    await changeTxtDirectly('DELETE', fqdn, 'placed by hand');
  });

  it('warns 30 and 7 days ahead and tells of a removal, once each, even from two runs at once; a kind turned off is not sent', async () => {
    const turnedOff = await api.request('PUT', '/api/v1/me/notifications', {
      token: carolToken,
      body: { 'record-expiring': false },
    });
    expect(turnedOff.json).toMatchObject({ 'record-expiring': false, 'record-removed': true });

    const in20 = await api.seedRecord(alice, { name: 'in20' });
    const in5 = await api.seedRecord(alice, { name: 'in5' });
    const gone = await api.seedRecord(alice, { name: 'gone' });
    const carolIn5 = await api.seedRecord(carol, { name: 'in5' });
    const carolGone = await api.seedRecord(carol, { name: 'gone' });
    const danGone = await api.seedRecord(dan, { name: 'gone' });
    const in20At = await expireIn(in20, 20);
    const in5At = await expireIn(in5, 5);
    for (const id of [gone, carolGone, danGone]) await expireIn(id, -1);
    await expireIn(carolIn5, 5);

    const reports = await runExpiryTwiceAtOnce();
    expect(reports.flatMap((report) => report.removed).sort()).toEqual(
      [gone, carolGone, danGone].sort(),
    );

    const fqdn = (name: string, owner: string): string =>
      `${name}.${owner}.${api.config.rootDomain}`;
    // Besides the mail of the failed change above.
    const aliceMails = expiryMails(await inbox.waitFor([aliceMail], 1 + 3, { settleMs: 2_000 }));
    expect(subjects(aliceMails)).toEqual(
      [
        `[Starchart] Your record ${fqdn('gone', alice)} expired and is removed`,
        `[Starchart] Your record ${fqdn('in20', alice)} expires on ${in20At.toISOString().slice(0, 10)}`,
        `[Starchart] Your record ${fqdn('in5', alice)} expires on ${in5At.toISOString().slice(0, 10)}`,
      ].sort(),
    );
    const warning = aliceMails.find((mail) => mail.subject.includes(fqdn('in5', alice)));
    expect(warning?.text).toContain(`${TEST_WEB_URL}/records/${in5}?renew=1`);
    expect(warning?.html).toContain(`href="${TEST_WEB_URL}/records/${in5}?renew=1"`);
    expect(subjects(await inbox.mails([carolMail]))).toEqual([
      `[Starchart] Your record ${fqdn('gone', carol)} expired and is removed`,
    ]);
    expect(
      await api.sql('SELECT status, reason FROM sent_notifications WHERE username IN (?, ?)', [
        carol,
        dan,
      ]),
    ).toEqual(
      expect.arrayContaining([
        { status: 'skipped', reason: 'the person has no email address' },
        { status: 'skipped', reason: 'the person turned record-expiring mails off' },
      ]),
    );

    // The next runs send nothing new...
    await runExpiryTwiceAtOnce();
    // ...until a renew: the record's new expiry date gets its own warnings.
    const renewed = await api.request('POST', `/api/v1/records/${in5}/renew`, {
      token: aliceToken,
      body: {},
    });
    expect(renewed.status).toBe(200);
    const nearAgain = await expireIn(in5, 6);
    await runExpiryTwiceAtOnce();
    const after = expiryMails(await inbox.waitFor([aliceMail], 1 + 4, { settleMs: 2_000 }));
    expect(
      after.filter((mail) => mail.subject.includes(fqdn('in5', alice))).map((m) => m.subject),
    ).toEqual([
      `[Starchart] Your record ${fqdn('in5', alice)} expires on ${in5At.toISOString().slice(0, 10)}`,
      `[Starchart] Your record ${fqdn('in5', alice)} expires on ${nearAgain.toISOString().slice(0, 10)}`,
    ]);
    expect(after).toHaveLength(4);
  });
});
