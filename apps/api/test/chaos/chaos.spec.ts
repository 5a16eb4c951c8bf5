import { startPrivateStack, uniqueId, type PrivateStack } from '@starchart/testing';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv } from '../support/certificates';
import { ChaosRun } from '../support/chaos';
import {
  agreement,
  createRecords,
  newCounters,
  postUntilAccepted,
  reconcileUntilQuiet,
  recordStatusCounts,
  REQUEST_TIMEOUT_MS,
  sleep,
  waitWhilePending,
  type ClientCounters,
} from '../support/record-load';
import { startWorker, type WorkerProcess } from '../support/worker-process';
import { zoneSets } from '../support/zone';

// Redis and MariaDB restarts would break every other test file: this one has a stack of its own.
// Every wait below has its own deadline; these bound the whole file so that it can never hang CI.
const TEST_TIMEOUT_MS = 170_000;
const SETUP_TIMEOUT_MS = 60_000;

const USERS = 30;
const RECORDS_PER_USER = 10;
const CLIENTS = 12;
const CREATE_ATTEMPTS = 60;
const SETTLE_MS = 40_000;
const CERT_USERS = 10;
const CERT_SETTLE_MS = 90_000;
const CERT_TEST_TIMEOUT_MS = 150_000;
// Set to measure what the flows alone achieve under the same faults.
const WITHOUT_RECONCILER = process.env['CHAOS_WITHOUT_RECONCILER'] === '1';

describe('chaos: worker crashes, Redis, MariaDB and Pebble restarts, Route 53 faults', () => {
  let own: PrivateStack | undefined;
  let api: ApiHarness | undefined;
  const workers: WorkerProcess[] = [];
  let adminToken = '';
  let run: ChaosRun | undefined;

  const harness = (): ApiHarness => {
    if (!api) throw new Error('the api did not start');
    return api;
  };
  const stack = (): PrivateStack => {
    if (!own) throw new Error('the private stack did not start');
    return own;
  };
  const chaos = (): ChaosRun => {
    if (!run) throw new Error('the chaos run did not start');
    return run;
  };
  const note = (event: string): void => chaos().note(event);

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
    run = new ChaosRun(own, workers, () => harness().env);
    adminToken = await api.token('chaos-admin', { admin: true });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await api?.close().catch(() => undefined);
    await own?.down();
  }, SETUP_TIMEOUT_MS);

  it(
    'ends with every accepted record active, and the zone and the database in agreement',
    async () => {
      chaos().begin();
      const callsBefore = await chaos().route53Calls();
      const api = harness();
      const counters = newCounters();
      const load = {
        userPrefix: 'chaos',
        users: USERS,
        perUser: RECORDS_PER_USER,
        clients: CLIENTS,
        pauseMs: 40,
        attempts: CREATE_ATTEMPTS,
      };
      const crashRedis = async (): Promise<void> => {
        await stack().stop('redis', { kill: true });
        note('redis killed');
        await stack().start('redis');
        note('redis back');
      };
      const [accepted] = await Promise.all([
        createRecords(api, load, counters),
        chaos().faults(crashRedis),
      ]);
      note(`all ${accepted.length} creates accepted`);

      await waitWhilePending(api, SETTLE_MS);
      const afterFlows = await recordStatusCounts(api);
      note(`flows settled: ${JSON.stringify(afterFlows)}`);
      if (afterFlows['pending']) await chaos().noteUnsettled(api.env);
      await chaos().emulator('DELETE', 'faults');
      const faulted = await chaos().faultedCallsSince(callsBefore);

      const repaired = WITHOUT_RECONCILER
        ? 0
        : await reconcileUntilQuiet(api, adminToken, {
            timeoutMs: 30_000,
            onReport: (report, run) => note(`reconciler run ${run}: ${JSON.stringify(report)}`),
          });

      const { rows, lost, duplicates, orphans, missing } = await agreement(
        api,
        stack().state.emulator,
        accepted,
      );
      const acceptedIds = new Set(accepted.map((record) => record.id));
      const active = acceptedIds.size - lost.length;

      process.stdout.write(
        `chaos: ${chaos().elapsedS()} s, ${counters.retries} client retries ` +
          `${JSON.stringify(counters.statuses)}, statuses after the flows ${JSON.stringify(afterFlows)}, ` +
          `reconciler repaired ${WITHOUT_RECONCILER ? 'nothing (off)' : repaired}, ` +
          `${orphans.length} orphan and ${missing.length} missing record sets\n` +
          `${chaos().events.join('\n')}\n` +
          chaos().workersReport() +
          `\naccepted ${acceptedIds.size}, active ${active}, lost ${lost.length}, duplicates ${duplicates}\n`,
      );
      // The faults bit: Route 53 failed or throttled some of the flows' calls.
      expect(faulted).toBeGreaterThan(0);
      // A dependency that is down is a 503 the client retries, never a 500.
      expect(counters.statuses['500'] ?? 0).toBe(0);
      expect(workers.map((worker) => worker.exit())).toEqual([null, null]);
      expect({ accepted: acceptedIds.size, rows: rows.length }).toEqual({
        accepted: USERS * RECORDS_PER_USER,
        rows: USERS * RECORDS_PER_USER,
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
      chaos().begin();
      const api = harness();
      const counters: ClientCounters = newCounters();
      const tokens = await Promise.all(
        Array.from({ length: CERT_USERS }, (_, i) => api.token(`chaoscert${i}`)),
      );
      const orders = Promise.all(
        tokens.map(async (token) => {
          const ordered = await postUntilAccepted(
            api,
            '/api/v1/certificates',
            { token, body: {} },
            counters,
            CREATE_ATTEMPTS,
          );
          return ordered.id;
        }),
      );
      const faults = (async () => {
        // Restarted while orders wait at the CA, Pebble loses them for sure.
        const atTheCa = await waitForOrdersAtTheCa(tokens, await orders);
        note(`${atTheCa} orders at the CA`);
        await stack().stop('pebble');
        note('pebble stopped');
        await stack().start('pebble');
        note('pebble back');
        // Then the workers crash while the lost orders are ordered again.
        await sleep(500);
        await chaos().restartWorker(0);
        await sleep(1_000);
        await chaos().restartWorker(1);
      })();
      const ids = await orders;
      note(`all ${ids.length} orders accepted`);
      await faults;

      const deadline = Date.now() + CERT_SETTLE_MS;
      let rows = await certificateRows();
      while (
        Date.now() < deadline &&
        rows.some((row) => row.status === 'pending' || row.status === 'renewing')
      ) {
        await sleep(500);
        rows = await certificateRows();
      }
      const challenges = (await zoneSets(stack().state.emulator, REQUEST_TIMEOUT_MS)).filter(
        (set) => set.includes('_acme-challenge'),
      );
      const orderedAgain = rows.reduce((sum, row) => sum + row.resumes, 0);
      process.stdout.write(
        `chaos certificates: ${chaos().elapsedS()} s, ` +
          `${counters.retries} client retries ${JSON.stringify(counters.statuses)}, ordered again by the safety net ${orderedAgain}\n` +
          `${rows.map((row) => `${row.username} ${row.status} v${row.version} resumes ${row.resumes}`).join('\n')}\n` +
          `${chaos().events.join('\n')}\n${chaos().workersReport()}\n`,
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
