import type { TestStack } from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import type { ApiHarness } from './api-harness';
import { zoneSets } from './zone';

/** How long one request of a client under faults waits for its answer. */
export const REQUEST_TIMEOUT_MS = 5_000;

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export interface Accepted {
  id: string;
}

/** What a client met on its way to a 202: retries, and each status (or `no answer`) it retried. */
export interface ClientCounters {
  retries: number;
  statuses: Record<string, number>;
}

export const newCounters = (): ClientCounters => ({ retries: 0, statuses: {} });

/**
 * A client's POST, retried every 250 ms on 5xx, dropped connections and timeouts until it is
 * accepted (202), `attempts` times at most; any other 4xx fails at once.
 */
export async function postUntilAccepted(
  api: ApiHarness,
  path: string,
  request: { token: string; body: object; headers?: Record<string, string> },
  counters: ClientCounters,
  attempts: number,
): Promise<Accepted> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await api
      .request('POST', path, { ...request, timeoutMs: REQUEST_TIMEOUT_MS })
      .catch(() => undefined);
    if (answer?.status === 202) return answer.json as Accepted;
    if (answer && answer.status < 500) {
      throw new Error(`POST ${path} answered ${answer.status}: ${answer.text}`);
    }
    const outcome = answer ? String(answer.status) : 'no answer';
    counters.statuses[outcome] = (counters.statuses[outcome] ?? 0) + 1;
    if (attempt === attempts)
      throw new Error(`POST ${path} still failing: ${answer?.text ?? 'no answer'}`);
    counters.retries += 1;
    await sleep(250);
  }
}

/** Retried with one Idempotency-Key, so that a retry never creates a second record. */
export const createRecord = (
  api: ApiHarness,
  token: string,
  body: object,
  counters: ClientCounters,
  attempts: number,
): Promise<Accepted> =>
  postUntilAccepted(
    api,
    '/api/v1/records',
    { token, body, headers: { 'Idempotency-Key': randomUUID() } },
    counters,
    attempts,
  );

export interface RecordLoad {
  /** Users are `<userPrefix>0`, `<userPrefix>1`... */
  userPrefix: string;
  users: number;
  perUser: number;
  /** Clients sending at once, each one request after the other. */
  clients: number;
  /** A client's pause after each accepted create. */
  pauseMs: number;
  attempts: number;
}

/** `users × perUser` A records (`r<i>`, 192.0.2.x), sent by `clients` clients; those accepted. */
export async function createRecords(
  api: ApiHarness,
  load: RecordLoad,
  counters: ClientCounters,
): Promise<Accepted[]> {
  const requests = Array.from({ length: load.users * load.perUser }, (_, i) => ({
    user: `${load.userPrefix}${Math.floor(i / load.perUser)}`,
    body: { name: `r${i}`, type: 'A', value: `192.0.2.${(i % 250) + 1}`, ttl: 60 },
  }));
  const tokens = new Map<string, string>();
  for (const { user } of requests) tokens.set(user, await api.token(user));
  const accepted: Accepted[] = [];
  const queue = [...requests];
  await Promise.all(
    Array.from({ length: load.clients }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        accepted.push(
          await createRecord(api, tokens.get(next.user) ?? '', next.body, counters, load.attempts),
        );
        await sleep(load.pauseMs);
      }
    }),
  );
  return accepted;
}

export interface ReconcileReport {
  upserted: number;
  deleted: number;
  requeued: number;
}

/** An admin's reconcile run through the api, awaited; `onTimeout` adds to the error's message. */
export async function runReconciler(
  api: ApiHarness,
  adminToken: string,
  { timeoutMs, onTimeout }: { timeoutMs: number; onTimeout?: () => string },
): Promise<ReconcileReport> {
  const run = await api.request('POST', '/api/v1/admin/reconcile', {
    token: adminToken,
    body: {},
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const { jobId } = run.json as { jobId: string };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const read = await api.request('GET', `/api/v1/admin/reconcile/${jobId}`, {
      token: adminToken,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const body = read.json as { state: string; report: ReconcileReport | null };
    if (body.state === 'completed' && body.report) return body.report;
    if (body.state === 'failed') throw new Error(`reconcile failed: ${read.text}`);
    await sleep(250);
  }
  throw new Error(
    `reconcile run ${jobId} did not complete within ${timeoutMs / 1000} s` +
      (onTimeout ? `; ${onTimeout()}` : ''),
  );
}

/**
 * Reconcile runs until one changes nothing, three at most, each followed by the flows it started;
 * how many record sets they changed in all. `onReport` sees each run's report.
 */
export async function reconcileUntilQuiet(
  api: ApiHarness,
  adminToken: string,
  options: {
    timeoutMs: number;
    onTimeout?: () => string;
    onReport?: (report: ReconcileReport, run: number) => void;
  },
): Promise<number> {
  let repaired = 0;
  for (let run = 1; run <= 3; run += 1) {
    const report = await runReconciler(api, adminToken, options);
    options.onReport?.(report, run);
    const changed = report.upserted + report.deleted + report.requeued;
    repaired += changed;
    if (changed === 0) break;
    await waitWhilePending(api, 20_000);
  }
  return repaired;
}

/** How many records have each status. */
export async function recordStatusCounts(api: ApiHarness): Promise<Record<string, number>> {
  const rows = (await api.sql('SELECT status, COUNT(*) AS n FROM dns_records GROUP BY status')) as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

/** Waits while some record is pending, `ms` at most. */
export async function waitWhilePending(api: ApiHarness, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && (await recordStatusCounts(api))['pending']) await sleep(500);
}

export interface RecordRow {
  id: string;
  fqdn: string;
  type: string;
  value: string;
  status: string;
}

/** How far the database and the zone are from "every accepted record active, once, in the zone". */
export interface Agreement {
  rows: RecordRow[];
  /** Accepted records that are not active. */
  lost: string[];
  /** Rows beyond one per name and type. */
  duplicates: number;
  /** Values in the zone that no row has. */
  orphans: string[];
  /** Rows whose value the zone lacks. */
  missing: string[];
}

export async function agreement(
  api: ApiHarness,
  emulator: TestStack['emulator'],
  accepted: readonly Accepted[],
): Promise<Agreement> {
  const rows = (await api.sql(
    'SELECT id, fqdn, type, value, status FROM dns_records',
  )) as RecordRow[];
  const active = new Set(rows.filter((row) => row.status === 'active').map((row) => row.id));
  const inDatabase = new Set(rows.map((row) => `${row.fqdn} ${row.type} ${row.value}`));
  const inZone = await zoneSets(emulator, REQUEST_TIMEOUT_MS);
  const zone = new Set(inZone);
  return {
    rows,
    lost: [...new Set(accepted.map((record) => record.id))].filter((id) => !active.has(id)),
    duplicates: rows.length - new Set(rows.map((row) => `${row.fqdn} ${row.type}`)).size,
    orphans: inZone.filter((set) => !inDatabase.has(set)),
    missing: [...inDatabase].filter((set) => !zone.has(set)),
  };
}
