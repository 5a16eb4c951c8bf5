import { CERT_FLOW, CERT_QUEUES } from '@starchart/cert-flow';
import { loseJob, testStack, uniqueId } from '@starchart/testing';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv, waitForCertificate, type CertificateBody } from '../support/certificates';
import { mailEnv, stackInbox } from '../support/mail';
import { startWorker, type WorkerProcess } from '../support/worker-process';
import { zoneNamesUnder } from '../support/zone';

jest.setTimeout(90_000);

const MAX_RESUMES = 2;

interface Row {
  status: string;
  status_reason: string | null;
  version: number;
  resumes: number;
  flow_id: string;
}

/**
 * The certificate safety net in the built worker, run every half second with a one-second grace
 * period. The flow steps' queues are paused while a test takes a flow out of Redis, so that no
 * worker holds one of its jobs.
 */
describe('the certificate safety net', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let steps: Queue[] = [];

  const root = (): Queue => {
    const queue = steps.find((step) => step.name === CERT_QUEUES.cleanupChallenge);
    if (!queue) throw new Error('no root queue');
    return queue;
  };
  const row = async (id: string): Promise<Row> => {
    const [found] = (await api.sql(
      'SELECT status, status_reason, version, resumes, flow_id FROM certificates WHERE id = ?',
      [id],
    )) as Row[];
    if (!found) throw new Error(`no certificate ${id}`);
    return found;
  };
  const pauseSteps = (): Promise<unknown> => Promise.all(steps.map((queue) => queue.pause()));
  const resumeSteps = (): Promise<unknown> => Promise.all(steps.map((queue) => queue.resume()));

  /** The root job of the flow; the row names it before it is added (row first, then Redis). */
  async function rootJob(flowId: string): Promise<Job> {
    const deadline = Date.now() + 5_000;
    let job = await root().getJob(flowId);
    while (!job && Date.now() < deadline) {
      await new Promise((settle) => setTimeout(settle, 50));
      job = await root().getJob(flowId);
    }
    if (!job) throw new Error(`flow ${flowId} is not in Redis`);
    return job;
  }

  /** Takes the certificate's current flow out of Redis, every job of it. */
  async function loseFlow(flowId: string): Promise<void> {
    await (await rootJob(flowId)).remove({ removeChildren: true });
    expect(await root().getJob(flowId)).toBeUndefined();
  }

  /** Waits until the safety net moved the certificate off `flowId`; returns the row then. */
  async function nextOrder(id: string, flowId: string): Promise<Row> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const current = await row(id);
      if (current.flow_id !== flowId) return current;
      if (Date.now() > deadline)
        throw new Error(`no new order for ${id}; worker:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A new person's order whose flow no worker takes: the step queues stay paused. */
  async function heldOrder(
    label: string,
  ): Promise<{ username: string; token: string; id: string; first: Row }> {
    const username = uniqueId(label);
    const token = await api.token(username);
    await pauseSteps();
    const { id } = await order(token);
    return { username, token, id, first: await row(id) };
  }

  /**
   * Waits for the safety net's second order (version 2, one resume) of a certificate whose first
   * flow `flowId` stopped, checks `meanwhile`, then waits for the certificate to be issued.
   */
  async function issuedOnSecondOrder(
    token: string,
    id: string,
    flowId: string,
    meanwhile: () => Promise<void> = () => Promise.resolve(),
  ): Promise<void> {
    const again = await nextOrder(id, flowId);
    expect(again).toMatchObject({
      status: 'pending',
      version: 2,
      resumes: 1,
      flow_id: `issue-${id}-v2-cleanup-challenge`,
    });
    await meanwhile();
    await waitForCertificate(api, token, id, 'issued', worker);
    expect(await row(id)).toMatchObject({ status: 'issued', version: 2, resumes: 1 });
  }

  async function order(token: string): Promise<CertificateBody> {
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    return ordered.json as CertificateBody;
  }

  beforeAll(async () => {
    api = await startApi({ env: certEnv() });
    worker = await startWorker({
      ...api.env,
      ...mailEnv(),
      CERT_RESUME_EVERY_MS: '500',
      CERT_RESUME_GRACE_MS: '1000',
      CERT_RESUME_MAX: String(MAX_RESUMES),
    });
    steps = CERT_FLOW.stepNames.map(
      (step) =>
        new Queue(step, {
          connection: { url: testStack().redis.url },
          prefix: api.config.queue.prefix,
        }),
    );
  });

  afterAll(async () => {
    await Promise.all(steps.map((queue) => queue.close()));
    await worker?.stop();
    await api?.close();
  });

  afterEach(() => resumeSteps());

  it('orders again, and issues, a certificate whose flow was removed from Redis', async () => {
    const { username, token, id, first: lost } = await heldOrder('lost');
    await loseFlow(lost.flow_id);
    await resumeSteps();

    await issuedOnSecondOrder(token, id, lost.flow_id);
    expect(await zoneNamesUnder(`_acme-challenge.${username}.${api.config.rootDomain}`)).toEqual(
      [],
    );
  });

  it('orders again, and issues, a certificate whose flow lost one job in Redis', async () => {
    const { token, id, first: broken } = await heldOrder('broken');
    await rootJob(broken.flow_id);
    // The leaf of the chain, the only job a worker could take: the rest wait for it forever.
    const key = CERT_FLOW.parseFlowId(broken.flow_id);
    if (!key) throw new Error(`not a flow id: ${broken.flow_id}`);
    const redis = new Redis(testStack().redis.url);
    try {
      await loseJob(redis, {
        prefix: api.config.queue.prefix,
        queue: CERT_QUEUES.createAcmeOrder,
        jobId: CERT_FLOW.jobIds(key)[CERT_QUEUES.createAcmeOrder],
      });
    } finally {
      await redis.quit();
    }
    await resumeSteps();

    await issuedOnSecondOrder(token, id, broken.flow_id, async () => {
      // The broken tree is gone from Redis, its root first.
      expect(await root().getJob(broken.flow_id)).toBeUndefined();
      expect(worker.output()).toContain('removed broken flow');
    });
  });

  it('ends an order whose flow keeps getting lost failed, with the reason, after the bound, and tells its owner', async () => {
    const username = uniqueId('again');
    const email = `${username}@example.test`;
    const token = await api.token(username, { email });
    await pauseSteps();
    const { id } = await order(token);
    let current = await row(id);
    for (let resume = 1; resume <= MAX_RESUMES; resume += 1) {
      await loseFlow(current.flow_id);
      current = await nextOrder(id, current.flow_id);
      expect(current).toMatchObject({ status: 'pending', version: resume + 1, resumes: resume });
    }
    await loseFlow(current.flow_id);

    const failed = await waitForCertificate(api, token, id, 'failed', worker);
    expect(failed).toMatchObject({
      status: 'failed',
      statusReason: expect.stringContaining(`was resumed ${MAX_RESUMES} times`),
    });
    expect(await row(id)).toMatchObject({ version: MAX_RESUMES + 1, resumes: MAX_RESUMES });
    const mails = await stackInbox().waitFor([email], 1, { settleMs: 1_000 });
    expect(mails.map((mail) => mail.subject)).toEqual([
      `[Starchart] Your certificate for ${failed.domains.join(', ')} could not be issued`,
    ]);
    expect(mails[0]?.text).toContain(`Reason: ${failed.statusReason}`);
    expect(await zoneNamesUnder(`_acme-challenge.${username}.${api.config.rootDomain}`)).toEqual(
      [],
    );
    // Failed, it is the person's again: a new order starts from the next version.
    await resumeSteps();
    const reordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(reordered.status).toBe(202);
    await waitForCertificate(api, token, id, 'issued', worker);
  });

  it('deletes again a certificate whose delete flow is gone from Redis, and removes it', async () => {
    const username = uniqueId('undeleted');
    const id = randomUUID();
    // Committed as deleting by an api whose flow never reached Redis.
    await api.sql(
      "INSERT INTO certificates (id, username, domains, status, version, flow_id, updated_at) VALUES (?, ?, ?, 'deleting', 2, ?, NOW(3) - INTERVAL 1 MINUTE)",
      [
        id,
        username,
        JSON.stringify([`${username}.${api.config.rootDomain}`]),
        `delete-${id}-v2-remove-certificate`,
      ],
    );
    const deadline = Date.now() + 20_000;
    while (
      ((await api.sql('SELECT id FROM certificates WHERE id = ?', [id])) as unknown[]).length
    ) {
      if (Date.now() > deadline) throw new Error(`${id} was not deleted; ${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const removal = new Queue(CERT_QUEUES.removeCertificate, {
      connection: { url: testStack().redis.url },
      prefix: api.config.queue.prefix,
    });
    try {
      const job = await removal.getJob(`delete-${id}-v3-remove-certificate`);
      expect(job?.returnvalue).toMatchObject({ outcome: 'removed' });
    } finally {
      await removal.close();
    }
  });
});
