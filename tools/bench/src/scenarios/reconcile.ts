import {
  ChangeResourceRecordSetsCommand,
  type Change,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { countersDelta, type EmulatorCounters, totalRequests } from '../lib/emulator-control';
import { ScenarioError } from '../lib/errors';
import { round, type BenchContext } from '../lib/harness';
import { figure, type Figure, type ScenarioResult } from '../lib/results';
import { nowMs, pollUntil } from '../lib/timing';
import { REPO_ROOT } from '../lib/workspace';

const execFileAsync = promisify(execFile);

/** Record sets in the zone, its SOA and NS included: the last is Route 53's default quota, full. */
const SIZES = [1_000, 5_000, 10_000];
/** Of the records, this share is held in Route 53 with another value (an UPSERT each)… */
const WRONG_VALUE_SHARE = 0.01;
/** …and this share of the zone's sets belongs to no record (a DELETE each). */
const STRAY_SHARE = 0.01;
const RECORDS_PER_USER = 10;
// Route 53's documented rate; the worker's own shared limiter keeps to it as well.
const ROUTE53_LIKE = { insyncDelayMs: 0, rps: 5, burst: 5 };
const RUN_TIMEOUT_MS = 300_000;
/** Route 53 takes at most 1,000 records in one ChangeResourceRecordSets. */
const SEED_BATCH = 1_000;
const ADMIN = 'bench-admin';

interface SizeRun {
  size: number;
  records: number;
  seconds: number;
  report: Record<string, number>;
  calls: EmulatorCounters;
  workerRssBeforeMb: number;
  workerPeakRssMb: number;
  workerCpuSeconds: number;
}

/**
 * One reconcile run of a zone of 1,000, 5,000 and 10,000 record sets against a database that
 * agrees with it but for 1 % of values and 1 % of stray sets: the Route 53 calls it makes, its
 * duration and the worker's memory, each size with a fresh database, zone and worker.
 */
export async function reconcile(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  const runs: SizeRun[] = [];
  try {
    for (const size of SIZES) runs.push(await runSize(context, size));
  } finally {
    await context.emulator.configure({ rps: 0 });
  }
  const figures: Figure[] = runs.flatMap((run) => {
    const list = run.calls.requests['ListResourceRecordSets'] ?? 0;
    const change = run.calls.requests['ChangeResourceRecordSets'] ?? 0;
    const other = totalRequests(run.calls) - list - change;
    return [
      figure(`${run.size} sets: run duration`, round(run.seconds, 2), 's'),
      figure(
        `${run.size} sets: Route 53 calls`,
        `${totalRequests(run.calls)} (${list} List, ${change} Change, ${other} other)`,
        '',
      ),
      figure(
        `${run.size} sets: upserted / deleted`,
        `${run.report['upserted'] ?? 0} / ${run.report['deleted'] ?? 0}`,
        '',
      ),
      figure(
        `${run.size} sets: worker RSS before / peak`,
        `${round(run.workerRssBeforeMb, 0)} / ${round(run.workerPeakRssMb, 0)}`,
        'MB',
      ),
      figure(`${run.size} sets: worker CPU`, round(run.workerCpuSeconds, 2), 's'),
    ];
  });
  return {
    scenario: 'reconcile',
    seconds: (nowMs() - started) / 1000,
    figures,
    details: {
      runs,
      route53: ROUTE53_LIKE,
      wrongValueShare: WRONG_VALUE_SHARE,
      strayShare: STRAY_SHARE,
    },
  };
}

async function runSize(context: BenchContext, size: number): Promise<SizeRun> {
  const strays = Math.round(size * STRAY_SHARE);
  // The zone holds every record's set, the strays and its own SOA and NS: `size` in all.
  const records = size - strays - 2;
  const zoneName = `reconcile-${size}.bench`;
  const zone = await context.emulator.createZone(zoneName, 10_000);
  const database = await freshDatabase(context, `reconcile_${size}`);
  try {
    console.log(`reconcile ${size}: seeding ${records} records and ${strays} stray sets`);
    await context.emulator.configure({ rps: 0 });
    const rows = recordRows(records, zoneName);
    await seedZone(context, zone.id, rows, strays, zoneName);
    await seedDatabase(database.url, rows);

    const apps = await context.startApps({
      scenario: `reconcile-${size}`,
      workers: 1,
      appEnv: {
        DATABASE_URL: database.url,
        ROUTE53_HOSTED_ZONE_ID: zone.id,
        ROOT_DOMAIN: zoneName,
        RECONCILE_EVERY_MS: '0',
      },
    });
    try {
      const [worker] = apps.workers;
      if (!worker) throw new ScenarioError('no worker started');
      await context.emulator.configure(ROUTE53_LIKE);
      const before = await context.emulator.counters();
      const rssBefore = worker.peakRssMb();
      const cpuBefore = worker.cpuSeconds();
      const runStarted = nowMs();
      const jobId = await apps.api.requestReconcile(ADMIN);
      const run = await pollUntil(
        `reconcile run of ${size} sets`,
        async () => {
          const current = await apps.api.reconcileRun(ADMIN, jobId);
          if (current.state === 'failed') throw new ScenarioError(`reconcile run ${jobId} failed`);
          return current.state === 'completed' && current.report ? current.report : undefined;
        },
        { intervalMs: 100, timeoutMs: RUN_TIMEOUT_MS },
      );
      const seconds = (nowMs() - runStarted) / 1000;
      const calls = countersDelta(before, await context.emulator.counters());
      if ((run['failed'] ?? 0) > 0) {
        throw new ScenarioError(`reconcile of ${size} sets: ${run['failed']} changes failed`);
      }
      return {
        size,
        records,
        seconds,
        report: run,
        calls,
        workerRssBeforeMb: rssBefore,
        workerPeakRssMb: worker.peakRssMb(),
        workerCpuSeconds: worker.cpuSeconds() - cpuBefore,
      };
    } finally {
      await apps.stop();
    }
  } finally {
    await database.drop();
  }
}

interface SeedRow {
  id: string;
  username: string;
  name: string;
  fqdn: string;
  value: string;
  /** What the zone holds: the row's value, or another one (drift the run repairs). */
  zoneValue: string;
}

function recordRows(count: number, zoneName: string): SeedRow[] {
  const wrongEvery = Math.round(1 / WRONG_VALUE_SHARE);
  return Array.from({ length: count }, (_, i) => {
    const username = `u${Math.floor(i / RECORDS_PER_USER)}`;
    const name = `r${i % RECORDS_PER_USER}`;
    const value = `192.0.2.${i % 250}`;
    return {
      id: randomUUID(),
      username,
      name,
      fqdn: `${name}.${username}.${zoneName}`,
      value,
      zoneValue: i % wrongEvery === 0 ? '198.51.100.1' : value,
    };
  });
}

async function seedZone(
  context: BenchContext,
  zoneId: string,
  rows: readonly SeedRow[],
  strays: number,
  zoneName: string,
): Promise<void> {
  const a = (name: string, value: string): Change => ({
    Action: 'CREATE',
    ResourceRecordSet: { Name: name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: value }] },
  });
  const changes = [
    ...rows.map((row) => a(row.fqdn, row.zoneValue)),
    ...Array.from({ length: strays }, (_, i) => a(`stray${i}.u${i}.${zoneName}`, '203.0.113.1')),
  ];
  const client = new Route53Client({
    endpoint: context.stack.emulator?.apiUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    for (let start = 0; start < changes.length; start += SEED_BATCH) {
      await client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Changes: changes.slice(start, start + SEED_BATCH) },
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

async function seedDatabase(url: string, rows: readonly SeedRow[]): Promise<void> {
  const connection = await createConnection(url);
  try {
    for (let start = 0; start < rows.length; start += SEED_BATCH) {
      const chunk = rows.slice(start, start + SEED_BATCH);
      await connection.query(
        'INSERT INTO dns_records (id, username, name, fqdn, type, value, priority, ttl, status, ' +
          'status_reason, version, flow_id, change_id) VALUES ?',
        [
          chunk.map((row) => [
            row.id,
            row.username,
            row.name,
            row.fqdn,
            'A',
            row.value,
            null,
            60,
            'active',
            null,
            1,
            null,
            null,
          ]),
        ],
      );
    }
  } finally {
    await connection.end();
  }
}

/**
 * A database of the run's own on the stack's server (`<stack database>_<suffix>`, which the
 * stack's user may create), migrated by the built api.
 */
async function freshDatabase(
  context: BenchContext,
  suffix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const baseUrl = context.baseEnv['DATABASE_URL'];
  if (!baseUrl) throw new ScenarioError('appEnv gave no DATABASE_URL');
  const url = new URL(baseUrl);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  url.pathname = `/${name}`;
  const server = await createConnection(baseUrl);
  await server.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await server.query(`CREATE DATABASE \`${name}\``);
  await execFileAsync(process.execPath, ['dist/apps/api/main.js', 'migrate'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...context.baseEnv, DATABASE_URL: url.toString() },
  });
  return {
    url: url.toString(),
    drop: async () => {
      await server.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await server.end();
    },
  };
}
