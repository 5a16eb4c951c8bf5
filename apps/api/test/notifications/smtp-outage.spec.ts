import { EXPIRE_RECORDS_QUEUE } from '@starchart/dns-flow';
import { messageIdOf, testStack, uniqueId } from '@starchart/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ApiHarness, startApi } from '../support/api-harness';
import { mailEnv, seedPeopleWithExpiringRecords } from '../support/mail';
import { sample, scrape } from '../support/prometheus-text';
import { startMailDev, type MailDevProcess } from '../support/maildev-process';
import { startWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(90_000);

describe('mail while the mail server is down (MailDev stopped, then started again)', () => {
  let api: ApiHarness;
  let mailDev: MailDevProcess;
  let worker: WorkerProcess;
  let redis: Redis;
  let expiryQueue: Queue;
  const people = [uniqueId('outage'), uniqueId('outage')];
  const addresses = people.map((username) => `${username}@example.test`);

  beforeAll(async () => {
    api = await startApi();
    mailDev = await startMailDev();
    worker = await startWorker({
      ...api.env,
      ...mailEnv(testStack(), mailDev.smtpUrl),
      METRICS_PORT: '0',
    });
    redis = new Redis(testStack().redis.url, { maxRetriesPerRequest: null });
    expiryQueue = new Queue(EXPIRE_RECORDS_QUEUE, { connection: redis, prefix: api.queuePrefix });
    await seedPeopleWithExpiringRecords(
      api,
      people.map((username, index) => ({ username, email: addresses[index] ?? '' })),
      [
        ['gone', -1],
        ['soon', 5],
      ],
    );
  });

  afterAll(async () => {
    await expiryQueue?.close();
    redis?.disconnect();
    await worker?.stop();
    await mailDev?.stop();
    await api?.close();
  });

  it('retries with backoff and delivers every mail once the server is back', async () => {
    await mailDev.stop();
    await expiryQueue.add('expireRecords', {});

    // Every notice tried and failed for now: the reason is kept, the job waits for its retry.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = (await api.sql(
        "SELECT COUNT(*) AS n FROM sent_notifications WHERE status = 'sending' AND reason LIKE 'the mail server is unavailable%'",
      )) as { n: number }[];
      if (Number(rows[0]?.n) === people.length * 2) break;
      if (Date.now() > deadline) throw new Error(`no failed attempts seen:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await mailDev.start();
    const mails = await mailDev.inbox.waitFor(addresses, people.length * 2, {
      timeoutMs: 45_000,
      settleMs: 3_000,
    });
    expect(mails).toHaveLength(people.length * 2);
    const ids = mails.map(messageIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      await api.sql('SELECT status, COUNT(*) AS n FROM sent_notifications GROUP BY status'),
    ).toEqual([{ status: 'sent', n: people.length * 2 }]);

    // Operators see it too: each notice sent once, and the attempts the outage cost as retries.
    const metrics = await scrape(worker.metricsUrl ?? '');
    const notices = (kind: string, outcome: string) =>
      sample(metrics, 'starchart_notifications_total', { kind, outcome });
    expect(notices('record-removed', 'sent')).toBe(people.length);
    expect(notices('record-expiring', 'sent')).toBe(people.length);
    expect(notices('record-removed', 'failed') + notices('record-expiring', 'failed')).toBe(0);
    expect(
      sample(metrics, 'starchart_job_attempts_total', {
        queue: 'send-notification',
        outcome: 'retried',
      }),
    ).toBeGreaterThanOrEqual(people.length * 2);
  });
});
