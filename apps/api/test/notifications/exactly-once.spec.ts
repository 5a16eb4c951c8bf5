import { EXPIRE_RECORDS_QUEUE } from '@starchart/dns-flow';
import { messageIdOf, testStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ApiHarness, startApi } from '../support/api-harness';
import { mailEnv, stackInbox, seedPeopleWithExpiringRecords } from '../support/mail';
import {
  pidOfLocalPort,
  startSmtpHoldingProxy,
  type SmtpHoldingProxy,
} from '../support/smtp-proxy';
import { startWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(90_000);

const PEOPLE = 4;
// Per person: one record expired, one 5 days and one 20 days from its expiry.
const MAILS_EACH = 3;

describe('every notice is mailed exactly once (two workers, two runs, a worker killed mid-send)', () => {
  const inbox = stackInbox();
  let api: ApiHarness;
  let proxy: SmtpHoldingProxy;
  const workers: WorkerProcess[] = [];
  let redis: Redis;
  let expiryQueue: Queue;
  const people = Array.from({ length: PEOPLE }, () => uniqueId('once'));
  const addresses = people.map((username) => `${username}@example.test`);

  beforeAll(async () => {
    api = await startApi();
    proxy = await startSmtpHoldingProxy(testStack().mail.smtpUrl);
    const env = { ...api.env, ...mailEnv(testStack(), proxy.url) };
    workers.push(...(await Promise.all([startWorker(env), startWorker(env)])));
    redis = new Redis(testStack().redis.url, { maxRetriesPerRequest: null });
    expiryQueue = new Queue(EXPIRE_RECORDS_QUEUE, { connection: redis, prefix: api.queuePrefix });
    await seedPeopleWithExpiringRecords(
      api,
      people.map((username, index) => ({ username, email: addresses[index] ?? '' })),
      [
        ['gone', -1],
        ['soon', 5],
        ['later', 20],
      ],
    );
  });

  afterAll(async () => {
    await expiryQueue?.close();
    redis?.disconnect();
    await Promise.all(workers.map((worker) => worker.stop()));
    await proxy?.close();
    await api?.close();
  });

  it('delivers each mail once, counted in MailDev', async () => {
    // The scheduler's slot and a second run over the same window, on two workers at once.
    await Promise.all([expiryQueue.add('expireRecords', {}), expiryQueue.add('expireRecords', {})]);

    // Wait until a worker is in the middle of sending (the message held after DATA)...
    const deadline = Date.now() + 30_000;
    while (proxy.held().length === 0) {
      if (Date.now() > deadline) throw new Error(`no mail was sent:\n${workers[0]?.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [held] = proxy.held();
    const pid = await pidOfLocalPort(held?.clientPort ?? 0);
    const victim = workers.find((worker) => worker.pid === pid);
    if (!victim) throw new Error(`the held connection (pid ${pid}) is no worker's`);
    // Every message the victim has in the middle of sending, not only the first one seen.
    const victimPorts: number[] = [];
    for (const { clientPort } of proxy.held())
      if ((await pidOfLocalPort(clientPort)) === pid) victimPorts.push(clientPort);
    // ...and kill it there: its messages never reach the server; its jobs stall.
    await victim.kill();
    // The proxy drops a dead client's message once it sees the socket close, which can come
    // a moment after the process is gone: release the survivor's messages only then.
    const closing = Date.now() + 5_000;
    while (proxy.held().some(({ clientPort }) => victimPorts.includes(clientPort))) {
      if (Date.now() > closing) throw new Error('the killed worker’s connections stayed open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    proxy.release();

    // The survivor picks the stalled jobs up once their locks expire (10 s).
    const mails = await inbox.waitFor(addresses, PEOPLE * MAILS_EACH, {
      timeoutMs: 60_000,
      settleMs: 3_000,
    });
    expect(mails).toHaveLength(PEOPLE * MAILS_EACH);
    const perPerson = addresses.map(
      (address) => mails.filter((mail) => mail.to.some((to) => to.address === address)).length,
    );
    expect(perPerson).toEqual(addresses.map(() => MAILS_EACH));
    const ids = mails.map(messageIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      await api.sql('SELECT status, COUNT(*) AS n FROM sent_notifications GROUP BY status'),
    ).toEqual([{ status: 'sent', n: PEOPLE * MAILS_EACH }]);

    // Runs over the same window later add nothing.
    await Promise.all([expiryQueue.add('expireRecords', {}), expiryQueue.add('expireRecords', {})]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await inbox.mails(addresses)).toHaveLength(PEOPLE * MAILS_EACH);
  });
});
