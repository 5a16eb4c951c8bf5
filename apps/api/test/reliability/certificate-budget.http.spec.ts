import { CaPause, WEEK_MS } from '@starchart/cert-flow';
import { testStack, uniqueId } from '@starchart/testing';
import { Redis } from 'ioredis';
import { X509Certificate } from 'node:crypto';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv, waitForCertificate, type CertificateBody } from '../support/certificates';
import { startWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(180_000);

const BUDGET = 10;
const PEOPLE = 30;

interface Queued extends CertificateBody {
  queue: { place: number; estimatedStartAt: string } | null;
}

interface Person {
  username: string;
  token: string;
  id: string;
}

/**
 * The issuance budget across the built worker and the api: 30 people order at once against a
 * budget of 10 new certificates a week. The worker's admission run goes every half second and
 * its renewal run every second (nothing but the certificate made due below is due: Pebble's
 * certificates last years).
 */
describe('the issuance budget and its queue', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let redis: Redis;
  const people: Person[] = [];

  const ledgerKey = (budget: string): string =>
    `${api.config.queue.prefix}:issuance-budget:${budget}`;
  const ledger = async (budget: string): Promise<number[]> =>
    (await redis.zrange(ledgerKey(budget), 0, -1, 'WITHSCORES'))
      .filter((_, index) => index % 2 === 1)
      .map(Number);
  const read = async (person: Person): Promise<Queued> =>
    (await api.request('GET', `/api/v1/certificates/${person.id}`, { token: person.token }))
      .json as Queued;
  const statuses = async (): Promise<Record<string, number>> => {
    const rows = (await api.sql(
      'SELECT status, COUNT(*) AS n FROM certificates GROUP BY status',
    )) as { status: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  };

  beforeAll(async () => {
    api = await startApi({
      env: { ...certEnv(), CERT_BUDGET_NEW_PER_WEEK: String(BUDGET) },
    });
    worker = await startWorker({
      ...api.env,
      CERT_ADMIT_EVERY: '500ms',
      CERT_RENEW_EVERY: '1s',
    });
    redis = new Redis(testStack().redis.url);
    for (let i = 0; i < PEOPLE; i += 1) {
      const username = uniqueId(`term${i}`);
      people.push({ username, token: await api.token(username), id: '' });
    }
  });

  afterAll(async () => {
    redis?.disconnect();
    await worker?.stop();
    await api?.close();
  });

  it('issues 10 of 30 orders at once and queues 20 with places 1..20 and estimated starts', async () => {
    const answers = await Promise.all(
      people.map((person) =>
        api.request('POST', '/api/v1/certificates', { token: person.token, body: {} }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(PEOPLE).fill(202));
    const bodies = answers.map((answer) => answer.json as Queued);
    bodies.forEach((body, index) => {
      const person = people[index];
      if (person) person.id = body.id;
    });
    expect(bodies.filter((body) => body.status === 'pending')).toHaveLength(BUDGET);
    for (const body of bodies.filter((body) => body.status === 'queued'))
      expect(body.queue).toEqual({
        place: expect.any(Number),
        estimatedStartAt: expect.any(String),
      });

    const first = people.filter((_, index) => bodies[index]?.status === 'pending');
    for (const person of first)
      await waitForCertificate(api, person.token, person.id, 'issued', worker);
    // The admission run has gone round many times meanwhile: nothing more was let out.
    expect(await statuses()).toEqual({ issued: BUDGET, queued: PEOPLE - BUDGET });
    expect(await ledger('new-certificates')).toHaveLength(BUDGET);

    // Places follow the order in which the orders were queued, 1..20; each estimate is when
    // enough admissions leave the week's window: place k waits for the k-th oldest, and places
    // 11..20 for the admissions of places 1..10, a week after those.
    const queuedOrder = (
      (await api.sql(
        "SELECT id FROM certificates WHERE status = 'queued' ORDER BY queued_at, id",
      )) as { id: string }[]
    ).map((row) => row.id);
    const admitted = (await ledger('new-certificates')).sort((a, b) => a - b);
    const waiting = await Promise.all(
      people.filter((person) => queuedOrder.includes(person.id)).map(read),
    );
    for (const body of waiting) {
      expect(body.status).toBe('queued');
      const place = queuedOrder.indexOf(body.id) + 1;
      const ahead = admitted[(place - 1) % BUDGET] ?? NaN;
      const expected = ahead + (place <= BUDGET ? WEEK_MS : 2 * WEEK_MS);
      expect(body.queue).toEqual({ place, estimatedStartAt: new Date(expected).toISOString() });
    }
    expect(waiting.map((body) => body.queue?.place).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: PEOPLE - BUDGET }, (_, i) => i + 1),
    );

    // An admin sees the same place on the person's page.
    const last = people.find((person) => person.id === queuedOrder.at(-1));
    const admin = await api.token(uniqueId('admin'), { admin: true });
    const detail = await api.request('GET', `/api/v1/admin/users/${last?.username ?? ''}`, {
      token: admin,
    });
    expect(detail.json).toMatchObject({
      certificate: { status: 'queued', queue: { place: PEOPLE - BUDGET } },
    });
  });

  it('renews an issued certificate ahead of the 20 queued orders, charged to orders only', async () => {
    const issued = (await Promise.all(people.map(read))).find((body) => body.status === 'issued');
    const owner = people.find((candidate) => candidate.id === issued?.id);
    if (!issued || !owner) throw new Error('no issued certificate');
    const before = await api.request('GET', `/api/v1/certificates/${owner.id}/certificate.pem`, {
      token: owner.token,
    });
    // Into its renewal window: the worker's renewal run (every second) finds it due.
    await api.sql('UPDATE certificates SET valid_to = ? WHERE id = ?', [
      new Date(Date.now() + 5 * 86_400_000),
      owner.id,
    ]);
    const deadline = Date.now() + 30_000;
    while ((await read(owner)).status === 'issued' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const renewed = await waitForCertificate(api, owner.token, owner.id, 'issued', worker);
    const after = await api.request('GET', `/api/v1/certificates/${owner.id}/certificate.pem`, {
      token: owner.token,
    });
    expect(new X509Certificate(after.text).serialNumber).not.toBe(
      new X509Certificate(before.text).serialNumber,
    );
    expect(renewed.validTo).not.toBe(issued.validTo);
    expect(await statuses()).toEqual({ issued: BUDGET, queued: PEOPLE - BUDGET });
    expect(await ledger('new-certificates')).toHaveLength(BUDGET);
    expect(await ledger('orders')).toHaveLength(BUDGET + 1);
  });

  it('issues the next 10, first come first served, once their admissions leave the window and the CA’s pause ends', async () => {
    const queuedOrder = (
      (await api.sql(
        "SELECT id FROM certificates WHERE status = 'queued' ORDER BY queued_at, id",
      )) as { id: string }[]
    ).map((row) => row.id);
    // The CA asked every process to pause (a rateLimited answer): nothing is admitted meanwhile,
    // and no start is estimated before the pause ends.
    const pausedUntil = new Date(Date.now() + 4_000);
    await new CaPause(redis, api.config.queue.prefix).pauseUntil(pausedUntil);
    // A week passes for the budget: every admission the ledger holds moves a week (and a second)
    // into the past, which is all that a week going by changes for it. Nothing else reads time
    // from it; the certificates and Pebble are untouched.
    for (const budget of ['new-certificates', 'orders']) {
      const entries = await redis.zrange(ledgerKey(budget), 0, -1, 'WITHSCORES');
      for (let i = 0; i < entries.length; i += 2)
        await redis.zadd(
          ledgerKey(budget),
          Number(entries[i + 1]) - WEEK_MS - 1_000,
          entries[i] ?? '',
        );
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await statuses()).toEqual({ issued: BUDGET, queued: PEOPLE - BUDGET });
    const headOwner = people.find((person) => person.id === queuedOrder[0]);
    if (!headOwner) throw new Error('nobody queued');
    const paused = await read(headOwner);
    expect(paused.queue?.place).toBe(1);
    expect(new Date(paused.queue?.estimatedStartAt ?? 0).getTime()).toBe(pausedUntil.getTime());

    const next = people.filter((person) => queuedOrder.slice(0, BUDGET).includes(person.id));
    for (const person of next)
      await waitForCertificate(api, person.token, person.id, 'issued', worker);
    expect(await statuses()).toEqual({ issued: 2 * BUDGET, queued: PEOPLE - 2 * BUDGET });
    const rest = await Promise.all(
      people.filter((person) => queuedOrder.slice(BUDGET).includes(person.id)).map(read),
    );
    expect(rest.map((body) => body.queue?.place).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: PEOPLE - 2 * BUDGET }, (_, i) => i + 1),
    );

    // A queued order is not ordered twice; deleting one moves everyone behind it up a place.
    const [head, second] = queuedOrder.slice(BUDGET).map((id) => people.find((p) => p.id === id));
    if (!head || !second) throw new Error('fewer than two orders left in the queue');
    const twice = await api.request('POST', '/api/v1/certificates', { token: second.token });
    expect(twice).toMatchObject({
      status: 409,
      json: { type: 'urn:starchart:problem:certificate-busy' },
    });
    const path = `/api/v1/certificates/${head.id}`;
    expect((await api.request('DELETE', path, { token: head.token })).status).toBe(202);
    expect((await read(second)).queue?.place).toBe(1);
  });
});
