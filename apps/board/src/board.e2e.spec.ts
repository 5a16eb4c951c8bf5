import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DNS_FLOW, type DnsQueueName, type DnsRecordJobData } from '@starchart/dns-flow';
import { CHROMIUM, testStack, uniqueId } from '@starchart/testing';
import { FlowProducer, Queue, Worker, type FlowJob, type FlowJobNode, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword, parsePasswordHash } from './auth/password-hash';
import { createBoardServer, type BoardServer } from './board-server';
import { boardQueueNames } from './queues/board-queues';

jest.setTimeout(120_000);

const SCREENSHOT = resolve(__dirname, '../../../test-artifacts/board-flow.png');
const USERNAME = 'operator';
const PASSWORD = 'e2e password';
const UI_TIMEOUT_MS = 15_000;

const CHANGE_ID = '/change/C0BOARDE2E';

/** What each tiny worker returns, standing in for the real processors' return values. */
const STEP_RESULTS: Record<DnsQueueName, (job: Job) => unknown> = {
  'add-db-record': () => ({ row: 'inserted' }),
  'create-dns-record': () => ({ changeId: CHANGE_ID, submittedAt: Date.now() }),
  'check-dns-status': () => ({ changeId: CHANGE_ID }),
  'sync-db-status': () => ({ outcome: 'active', reason: null }),
};

interface FlowNodeExpectation {
  name: string;
  queueName: string;
  jobId: string;
}

function expectationOf(node: FlowJob | FlowJobNode): FlowNodeExpectation {
  const jobId = node.opts?.jobId;
  if (!jobId) throw new Error(`flow node ${node.name} has no deterministic jobId`);
  return { name: node.name, queueName: node.queueName, jobId };
}

/** Every node of a flow as the builder made it, so the test never restates the flow's shape. */
function flowNodes(node: FlowJob | FlowJobNode): FlowNodeExpectation[] {
  return [expectationOf(node), ...(node.children ?? []).flatMap((child) => flowNodes(child))];
}

async function launchBrowser(credentials?: {
  username: string;
  password: string;
}): Promise<{ context: BrowserContext; page: Page; userDataDir: string }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'starchart-board-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...CHROMIUM,
    args: [...CHROMIUM.args],
    viewport: { width: 1400, height: 1400 },
    ...(credentials ? { httpCredentials: credentials } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  return { context, page, userDataDir };
}

async function closeBrowser(browser: { context: BrowserContext; userDataDir: string }) {
  await browser.context.close();
  rmSync(browser.userDataDir, { recursive: true, force: true });
}

async function waitUntilCompleted(job: Job, deadline = Date.now() + 30_000): Promise<void> {
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === 'completed') return;
    if (state === 'failed') throw new Error(`flow root ${job.id} failed: ${job.failedReason}`);
    await new Promise((settle) => setTimeout(settle, 100));
  }
  throw new Error(`flow root ${job.id} did not complete in time`);
}

describe('the board in a real browser', () => {
  const prefix = `{${uniqueId('boarde2e')}}`;
  const recordId = uniqueId('rec');
  const data: DnsRecordJobData = {
    op: 'create',
    recordId,
    version: 1,
    username: 'alice',
    name: 'www',
    fqdn: 'www.alice.starchart.test',
    type: 'A',
    value: '192.0.2.10',
    priority: null,
    weight: null,
    port: null,
    ttl: 300,
  };
  const flow = DNS_FLOW.build(data);
  const root = expectationOf(flow);
  const nodes = flowNodes(flow);

  let connection: Redis;
  let workers: Worker[];
  let board: BoardServer;
  let boardUrl: URL;

  beforeAll(async () => {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    const redisUrl = testStack().redis.url;
    // Workers block on Redis, which BullMQ only allows with maxRetriesPerRequest null.
    connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    workers = DNS_FLOW.stepNames.map(
      (name) =>
        new Worker(name, async (job) => STEP_RESULTS[name](job), {
          connection,
          prefix,
        }),
    );
    const producer = new FlowProducer({ connection, prefix });
    const added = await producer.add(flow);
    await producer.close();
    await waitUntilCompleted(added.job);

    board = createBoardServer({
      host: '127.0.0.1',
      port: 0,
      readOnly: false,
      credentials: {
        username: USERNAME,
        passwordHash: parsePasswordHash(
          await hashPassword(PASSWORD, { cost: 1024, blockSize: 8, parallelization: 1 }),
        ),
      },
      queue: { redisUrl, prefix },
    });
    boardUrl = await board.listen();
  });

  afterAll(async () => {
    await board?.close();
    await Promise.all((workers ?? []).map((worker) => worker.close()));
    for (const name of boardQueueNames()) {
      const queue = new Queue(name, { connection, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await connection?.quit();
  });

  it('shows nothing of the board to a browser without credentials', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      const challenge = page.waitForResponse((response) => response.url() === boardUrl.href);
      // Headless Chromium cancels a Basic challenge it has no credentials for, so the
      // navigation itself may fail; what matters is what the server answered and what shows.
      await page.goto(boardUrl.href).catch(() => undefined);
      const response = await challenge;
      expect(response.status()).toBe(401);
      expect(await response.headerValue('www-authenticate')).toBe('Basic realm="Starchart board"');
      const text = await page.locator('body').innerText();
      for (const name of boardQueueNames()) expect(text).not.toContain(name);
      expect(await page.locator('#root').count()).toBe(0);
    } finally {
      await closeBrowser(browser);
    }
  });

  it('shows every queue and the four steps of a completed record flow', async () => {
    expect(root.queueName).toBe('sync-db-status');
    const browser = await launchBrowser({ username: USERNAME, password: PASSWORD });
    const { page } = browser;
    try {
      const response = await page.goto(new URL('/', boardUrl).href);
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/queues');

      const menu = page.getByRole('navigation');
      for (const name of boardQueueNames()) {
        await menu.getByRole('link', { name, exact: true }).waitFor({ state: 'visible' });
      }

      // Open the root job the way an operator would: its queue, then the job.
      await menu.getByRole('link', { name: root.queueName, exact: true }).click();
      await page.getByRole('link', { name: root.jobId, exact: true }).click();
      await page.getByRole('heading', { name: 'Job flow' }).waitFor({ state: 'visible' });

      const graphNodes = page.locator('[aria-roledescription="node"]');
      for (const node of nodes) {
        const label = `${node.name}, completed, queue ${node.queueName}, id ${node.jobId}`;
        const drawn = graphNodes.filter({ has: page.locator(`[title="${node.queueName}"]`) });
        await drawn.first().waitFor({ state: 'visible' });
        expect(await drawn.getAttribute('aria-label')).toBe(label);
        expect(await drawn.getByRole('heading', { name: node.name }).isVisible()).toBe(true);
      }
      expect(await graphNodes.count()).toBe(nodes.length);
      await page.screenshot({ path: SCREENSHOT });

      // From the graph to a step's details and its own page, where its return value is.
      const createDnsRecord = nodes.find((node) => node.queueName === 'create-dns-record');
      if (!createDnsRecord) throw new Error('the DNS flow has no create-dns-record step');
      await graphNodes.filter({ has: page.locator('[title="create-dns-record"]') }).click();
      const details = page
        .locator('aside')
        .filter({ has: page.getByRole('heading', { name: createDnsRecord.name, exact: true }) });
      expect(await details.locator('dt:text-is("Attempts") + dd').innerText()).toBe('1');
      await details.getByRole('link', { name: 'Open this job' }).click();
      await page.waitForURL(
        (url) => url.pathname === `/queues/queue/create-dns-record/${createDnsRecord.jobId}`,
      );
      await page.getByText(CHANGE_ID).first().waitFor({ state: 'visible' });
    } finally {
      await closeBrowser(browser);
    }
  });
});
