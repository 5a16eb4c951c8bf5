import {
  ListResourceRecordSetsCommand,
  Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { startPrivateStack, uniqueId, type PrivateStack } from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv } from '../support/certificates';
import { startWorker, type WorkerProcess } from '../support/worker-process';

// Redis and MariaDB restarts would break every other test file: this one has a stack of its own.
// Every wait below has its own deadline; these bound the whole file so that it can never hang CI.
const TEST_TIMEOUT_MS = 170_000;
const SETUP_TIMEOUT_MS = 60_000;

const USERS = 30;
const RECORDS_PER_USER = 10;
const CLIENTS = 12;
const REQUEST_TIMEOUT_MS = 5_000;
const CREATE_ATTEMPTS = 60;
const SETTLE_MS = 40_000;
const CERT_USERS = 10;
const CERT_SETTLE_MS = 90_000;
const CERT_TEST_TIMEOUT_MS = 150_000;
// Set to measure what the flows alone achieve under the same faults.
const WITHOUT_RECONCILER = process.env['CHAOS_WITHOUT_RECONCILER'] === '1';

interface Accepted {
  id: string;
}

interface ClientCounters {
  retries: number;
  statuses: Record<string, number>;
}

interface ReconcileReport {
  upserted: number;
  deleted: number;
  requeued: number;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe('chaos: worker crashes, Redis, MariaDB and Pebble restarts, Route 53 faults', () => {
  let own: PrivateStack | undefined;
  let api: ApiHarness | undefined;
  const workers: WorkerProcess[] = [];
  const events: string[] = [];
  let adminToken = '';
  let started = Date.now();

  const harness = (): ApiHarness => {
    if (!api) throw new Error('the api did not start');
    return api;
  };
  const stack = (): PrivateStack => {
    if (!own) throw new Error('the private stack did not start');
    return own;
  };
  const note = (event: string): void => {
    events.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${event}`);
  };

  const emulator = async (method: string, path: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${stack().state.emulator.apiUrl}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status}`);
  };

  beforeAll(async () => {
    own = await startPrivateStack(`${uniqueId('chaos')}.test`);
    api = await startApi({
      stack: own.state,
      env: {
        RECORD_QUOTA: String(RECORDS_PER_USER),
        RATE_LIMIT_PER_MINUTE: '10000',
        // Short, so that the reconciler resumes flows lost in the Redis crash within the test.
        RECONCILE_GRACE_MS: '5000',
        LOG_LEVEL: 'error',
        ...certEnv(own.state),
        // The certificate safety net orders again what the crashes and the Pebble restart lost.
        CERT_RESUME_EVERY_MS: '1000',
        CERT_RESUME_GRACE_MS: '3000',
      },
    });
    for (let i = 0; i < 2; i += 1) workers.push(await startWorker(api.env));
    adminToken = await api.token('chaos-admin', { admin: true });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await api?.close().catch(() => undefined);
    await own?.down();
  }, SETUP_TIMEOUT_MS);

  /** A client's POST, retried on 5xx, dropped connections and timeouts until it is accepted (202). */
  async function postUntilAccepted(
    path: string,
    request: { token: string; body: object; headers?: Record<string, string> },
    counters: ClientCounters,
  ): Promise<Accepted> {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await harness()
        .request('POST', path, { ...request, timeoutMs: REQUEST_TIMEOUT_MS })
        .catch(() => undefined);
      if (answer?.status === 202) return answer.json as Accepted;
      if (answer && answer.status < 500) {
        throw new Error(`POST ${path} answered ${answer.status}: ${answer.text}`);
      }
      const outcome = answer ? String(answer.status) : 'no answer';
      counters.statuses[outcome] = (counters.statuses[outcome] ?? 0) + 1;
      if (attempt === CREATE_ATTEMPTS)
        throw new Error(`POST ${path} still failing: ${answer?.text ?? 'no answer'}`);
      counters.retries += 1;
      await sleep(250);
    }
  }

  /** Retried with the same Idempotency-Key, so that a retry never creates a second record. */
  const createRecord = (token: string, body: object, counters: ClientCounters): Promise<Accepted> =>
    postUntilAccepted(
      '/api/v1/records',
      { token, body, headers: { 'Idempotency-Key': randomUUID() } },
      counters,
    );

  /** Each worker alive, or how it ended with the end of its output. */
  const workersReport = (): string =>
    workers
      .map((worker, index) =>
        worker.exit() === null
          ? `worker ${index}: alive`
          : `worker ${index}: ${worker.exit() ?? ''}\n${worker.output().slice(-3_000)}`,
      )
      .join('\n');

  async function restartWorker(index: number): Promise<void> {
    await workers[index]?.kill();
    note(`worker ${index} killed`);
    workers[index] = await startWorker(harness().env);
    note(`worker ${index} restarted`);
  }

  async function chaos(): Promise<void> {
    await emulator('POST', 'faults', {
      operation: '*',
      kind: 'InternalFailure',
      probability: 0.05,
    });
    const throttleBursts = (async () => {
      for (let burst = 0; burst < 5; burst += 1) {
        await emulator('POST', 'faults', { operation: '*', kind: 'Throttling', count: 15 });
        await sleep(2_000);
      }
    })();
    await sleep(1_000);
    await restartWorker(0);
    await sleep(1_000);
    await stack().stop('redis', { kill: true });
    note('redis killed');
    await stack().start('redis');
    note('redis back');
    await sleep(1_500);
    await stack().stop('mariadb');
    note('mariadb stopped');
    await stack().start('mariadb');
    note('mariadb back');
    await sleep(1_000);
    await restartWorker(1);
    await throttleBursts;
  }

  async function runReconciler(): Promise<ReconcileReport> {
    const run = await harness().request('POST', '/api/v1/admin/reconcile', {
      token: adminToken,
      body: {},
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const { jobId } = run.json as { jobId: string };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const read = await harness().request('GET', `/api/v1/admin/reconcile/${jobId}`, {
        token: adminToken,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const body = read.json as { state: string; report: ReconcileReport | null };
      if (body.state === 'completed' && body.report) return body.report;
      if (body.state === 'failed') throw new Error(`reconcile failed: ${read.text}`);
      await sleep(250);
    }
    throw new Error(`reconcile run ${jobId} did not complete within 30 s`);
  }

  async function zoneSets(): Promise<string[]> {
    const client = new Route53Client({
      endpoint: stack().state.emulator.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const sets: string[] = [];
    try {
      let start: { name?: string; type?: RRType } = {};
      for (;;) {
        const page = await client.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: stack().state.emulator.zoneId,
            StartRecordName: start.name,
            StartRecordType: start.type,
          }),
          { abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
        );
        for (const set of page.ResourceRecordSets ?? []) {
          if (set.Type === 'SOA' || set.Type === 'NS') continue;
          const name = (set.Name ?? '').replace(/\.$/, '');
          for (const value of set.ResourceRecords ?? [])
            sets.push(`${name} ${set.Type} ${value.Value}`);
        }
        if (!page.IsTruncated) return sets.sort();
        start = { name: page.NextRecordName, type: page.NextRecordType };
      }
    } finally {
      client.destroy();
    }
  }

  const statusCounts = async (): Promise<Record<string, number>> => {
    const rows = (await harness().sql(
      'SELECT status, COUNT(*) AS n FROM dns_records GROUP BY status',
    )) as { status: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  };

  const waitWhilePending = async (ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && (await statusCounts())['pending']) await sleep(500);
  };

  it(
    'ends with every accepted record active, and the zone and the database in agreement',
    async () => {
      started = Date.now();
      const api = harness();
      const counters = { retries: 0, statuses: {} as Record<string, number> };
      const requests = Array.from({ length: USERS * RECORDS_PER_USER }, (_, i) => ({
        user: `chaos${Math.floor(i / RECORDS_PER_USER)}`,
        body: { name: `r${i}`, type: 'A', value: `192.0.2.${(i % 250) + 1}`, ttl: 60 },
      }));
      const tokens = new Map<string, string>();
      for (const { user } of requests) tokens.set(user, await api.token(user));

      const accepted: Accepted[] = [];
      const queue = [...requests];
      const clients = Array.from({ length: CLIENTS }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          accepted.push(await createRecord(tokens.get(next.user) ?? '', next.body, counters));
          await sleep(40);
        }
      });
      await Promise.all([...clients, chaos()]);
      note(`all ${accepted.length} creates accepted`);

      await waitWhilePending(SETTLE_MS);
      const afterFlows = await statusCounts();
      note(`flows settled: ${JSON.stringify(afterFlows)}`);
      await emulator('DELETE', 'faults');

      let repaired = 0;
      if (!WITHOUT_RECONCILER) {
        for (let run = 0; run < 3; run += 1) {
          const report = await runReconciler();
          const changed = report.upserted + report.deleted + report.requeued;
          note(`reconciler run ${run + 1}: ${JSON.stringify(report)}`);
          repaired += changed;
          if (changed === 0) break;
          await waitWhilePending(20_000);
        }
      }

      const rows = (await api.sql('SELECT id, fqdn, type, value, status FROM dns_records')) as {
        id: string;
        fqdn: string;
        type: string;
        value: string;
        status: string;
      }[];
      const acceptedIds = new Set(accepted.map((record) => record.id));
      const activeIds = new Set(rows.filter((row) => row.status === 'active').map((row) => row.id));
      const active = [...acceptedIds].filter((id) => activeIds.has(id));
      const lost = [...acceptedIds].filter((id) => !activeIds.has(id));
      const duplicates = rows.length - new Set(rows.map((row) => `${row.fqdn} ${row.type}`)).size;
      const inDatabase = new Set(rows.map((row) => `${row.fqdn} ${row.type} ${row.value}`));
      const inZone = await zoneSets();
      const zoneSet = new Set(inZone);
      const orphans = inZone.filter((set) => !inDatabase.has(set));
      const missing = [...inDatabase].filter((set) => !zoneSet.has(set));

      process.stdout.write(
        `chaos: ${((Date.now() - started) / 1000).toFixed(1)} s, ${counters.retries} client retries ` +
          `${JSON.stringify(counters.statuses)}, statuses after the flows ${JSON.stringify(afterFlows)}, ` +
          `reconciler repaired ${WITHOUT_RECONCILER ? 'nothing (off)' : repaired}, ` +
          `${orphans.length} orphan and ${missing.length} missing record sets\n` +
          `${events.join('\n')}\n` +
          workersReport() +
          `\naccepted ${acceptedIds.size}, active ${active.length}, lost ${lost.length}, duplicates ${duplicates}\n`,
      );
      // A dependency that is down is a 503 the client retries, never a 500.
      expect(counters.statuses['500'] ?? 0).toBe(0);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null]);
      expect({ accepted: acceptedIds.size, rows: rows.length }).toEqual({
        accepted: requests.length,
        rows: requests.length,
      });
      expect({ lost, duplicates, orphans, missing }).toEqual({
        lost: [],
        duplicates: 0,
        orphans: [],
        missing: [],
      });
    },
    TEST_TIMEOUT_MS,
  );
  /** Waits (up to 20 s) until some orders exist at the CA and are not finalized yet; how many. */
  async function waitForOrdersAtTheCa(tokens: string[], ids: string[]): Promise<number> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const steps = await Promise.all(
        ids.map(async (id, index) => {
          const answer = await harness().request('GET', `/api/v1/certificates/${id}`, {
            token: tokens[index] ?? '',
            timeoutMs: REQUEST_TIMEOUT_MS,
          });
          const { steps: found } = answer.json as {
            steps: { step: string; state: string }[] | null;
          };
          return new Map((found ?? []).map((step) => [step.step, step.state]));
        }),
      );
      const atTheCa = steps.filter(
        (step) =>
          step.get('create-acme-order') === 'completed' &&
          step.get('finalize-certificate') !== 'completed',
      ).length;
      if (atTheCa >= 3 || Date.now() > deadline) return atTheCa;
      await sleep(250);
    }
  }

  const certificateRows = async (): Promise<
    { id: string; username: string; status: string; version: number; resumes: number }[]
  > =>
    (await harness().sql(
      'SELECT id, username, status, version, resumes FROM certificates ORDER BY username',
    )) as { id: string; username: string; status: string; version: number; resumes: number }[];

  it(
    'issues every one of 10 certificates ordered through two worker crashes and a Pebble restart, leaving no challenge record',
    async () => {
      started = Date.now();
      events.length = 0;
      const api = harness();
      const counters: ClientCounters = { retries: 0, statuses: {} };
      const tokens = await Promise.all(
        Array.from({ length: CERT_USERS }, (_, i) => api.token(`chaoscert${i}`)),
      );
      const orders = Promise.all(
        tokens.map(async (token) => {
          const ordered = await postUntilAccepted(
            '/api/v1/certificates',
            { token, body: {} },
            counters,
          );
          return ordered.id;
        }),
      );
      const chaos = (async () => {
        // Restarted while orders wait at the CA, Pebble loses them for sure.
        const atTheCa = await waitForOrdersAtTheCa(tokens, await orders);
        note(`${atTheCa} orders at the CA`);
        await stack().stop('pebble');
        note('pebble stopped');
        await stack().start('pebble');
        note('pebble back');
        // Then the workers crash while the lost orders are ordered again.
        await sleep(500);
        await restartWorker(0);
        await sleep(1_000);
        await restartWorker(1);
      })();
      const ids = await orders;
      note(`all ${ids.length} orders accepted`);
      await chaos;

      const deadline = Date.now() + CERT_SETTLE_MS;
      let rows = await certificateRows();
      while (
        Date.now() < deadline &&
        rows.some((row) => row.status === 'pending' || row.status === 'renewing')
      ) {
        await sleep(500);
        rows = await certificateRows();
      }
      const challenges = (await zoneSets()).filter((set) => set.includes('_acme-challenge'));
      const orderedAgain = rows.reduce((sum, row) => sum + row.resumes, 0);
      process.stdout.write(
        `chaos certificates: ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `${counters.retries} client retries ${JSON.stringify(counters.statuses)}, ordered again by the safety net ${orderedAgain}\n` +
          `${rows.map((row) => `${row.username} ${row.status} v${row.version} resumes ${row.resumes}`).join('\n')}\n` +
          `${events.join('\n')}\n${workersReport()}\n`,
      );
      expect(counters.statuses['500'] ?? 0).toBe(0);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null]);
      expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
      expect(rows.filter((row) => row.status !== 'issued')).toEqual([]);
      expect(challenges).toEqual([]);
      // The Pebble restart lost orders in flight, and the safety net ordered them again.
      expect(orderedAgain).toBeGreaterThan(0);
    },
    CERT_TEST_TIMEOUT_MS,
  );
});
