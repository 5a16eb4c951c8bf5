import { freePort } from '@starchart/testing';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { ApiClient } from './api-client';
import { AppProcess } from './app-process';
import { EmulatorControl } from './emulator-control';
import { ScenarioError } from './errors';
import { RecordsDb, type StatusCounts } from './records-db';
import { nowMs, pollUntil, runPool } from './timing';
import type { StackState } from './workspace';
import { REPO_ROOT } from './workspace';

const execFileAsync = promisify(execFile);

/** The api's per-user limits would otherwise cap a benchmark at 10 records and 120 writes a minute per user. */
const BENCH_API_ENV = { RECORD_QUOTA: '10000', RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn' };
export const WORKER_PROCESSES = 2;

export const HTTP_CLIENTS = 64;

/** The api and workers a scenario runs against, on their own queue prefix. */
export interface RunningApps {
  api: ApiClient;
  apiProcess: AppProcess;
  workers: AppProcess[];
  queuePrefix: string;
  /** Peak RSS in MiB of each process so far, by label. */
  peakRss(): Record<string, number>;
  /** CPU seconds (user + system) all of its processes used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface StartAppsOptions {
  scenario: string;
  workers?: number;
  /** Extra worker variables, e.g. ROUTE53_BATCHING=off. */
  workerEnv?: Record<string, string>;
  /** Extra variables of the api and the workers alike, e.g. METRICS=off. */
  appEnv?: Record<string, string>;
}

/** What every scenario shares: the throwaway stack and clients of its services. */
/** The stack zone's MAX_RRSETS_BY_ZONE during a bench run. */
const BENCH_ZONE_RECORD_SETS = 1_000_000;

export class BenchContext {
  readonly emulator: EmulatorControl;
  readonly logDir: string;
  /** Where the api and workers write a CPU profile each when they stop (--cpu-prof). */
  profileDir: string | undefined;

  constructor(
    readonly stack: StackState,
    readonly baseEnv: Record<string, string>,
    readonly jwtSecret: string,
    readonly db: RecordsDb,
    readonly redis: Redis,
    /** NODE_OPTIONS per app as deployed, so the bench measures the deployed processes. */
    readonly nodeOptionsFor: (app: 'api' | 'worker') => string,
  ) {
    if (!stack.emulator) throw new ScenarioError('the stack has no Route 53 emulator');
    this.emulator = new EmulatorControl(stack.emulator.apiUrl);
    this.logDir = path.join(stack.dataDir, 'logs');
    mkdirSync(this.logDir, { recursive: true });
  }

  static async create(
    stack: StackState,
    baseEnv: Record<string, string>,
    jwtSecret: string,
    nodeOptionsFor: (app: 'api' | 'worker') => string,
  ): Promise<BenchContext> {
    const databaseUrl = baseEnv['DATABASE_URL'];
    if (!databaseUrl) throw new ScenarioError('appEnv gave no DATABASE_URL');
    await execFileAsync(process.execPath, ['dist/apps/api/main.js', 'migrate'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...baseEnv },
    });
    const db = await RecordsDb.connect(databaseUrl);
    const redis = new Redis(stack.redis.url, { maxRetriesPerRequest: 1 });
    const context = new BenchContext(stack, baseEnv, jwtSecret, db, redis, nodeOptionsFor);
    // The scenarios share the stack's zone and leave their records in it (about 25,000 sets in a
    // full run): Route 53's 10,000-set quota is not what they measure. Zones of a scenario's own
    // (reconcile) still get the quota they ask for.
    await context.emulator.configure({ maxRecordSetsPerZone: BENCH_ZONE_RECORD_SETS });
    return context;
  }

  private profileArgs(label: string): string[] {
    if (this.profileDir === undefined) return [];
    return [
      '--cpu-prof',
      `--cpu-prof-dir=${this.profileDir}`,
      `--cpu-prof-name=${label}.cpuprofile`,
    ];
  }

  /** Starts the api and `workers` worker processes on a queue prefix of the scenario's own. */
  async startApps({
    scenario,
    workers = WORKER_PROCESSES,
    workerEnv = {},
    appEnv = {},
  }: StartAppsOptions): Promise<RunningApps> {
    const queuePrefix = `{bench-${scenario}}`;
    const apiPort = await freePort();
    const env = {
      ...this.baseEnv,
      ...appEnv,
      QUEUE_PREFIX: queuePrefix,
      API_PORT: String(apiPort),
    };
    const started: AppProcess[] = [];
    const stopAll = (): Promise<void[]> => Promise.all(started.map((app) => app.stop()));
    try {
      for (let index = 0; index < workers; index++) {
        started.push(
          await AppProcess.start({
            label: `${scenario}-worker-${index + 1}`,
            script: 'dist/apps/worker/main.js',
            nodeArgs: this.profileArgs(`${scenario}-worker-${index + 1}`),
            env: {
              ...env,
              LOG_LEVEL: 'warn',
              NODE_OPTIONS: this.nodeOptionsFor('worker'),
              ...workerEnv,
            },
            logDir: this.logDir,
            readyLine: '"event":"ready"',
          }),
        );
      }
      const apiProcess = await AppProcess.start({
        label: `${scenario}-api`,
        script: 'dist/apps/api/main.js',
        nodeArgs: this.profileArgs(`${scenario}-api`),
        env: { ...env, ...BENCH_API_ENV, NODE_OPTIONS: this.nodeOptionsFor('api') },
        logDir: this.logDir,
      });
      started.push(apiProcess);
      const api = new ApiClient(`http://127.0.0.1:${apiPort}`, this.jwtSecret);
      await apiProcess.waitFor('api health', async () =>
        (await api.isHealthy()) ? true : undefined,
      );
      const workerProcesses = started.filter((app) => app !== apiProcess);
      return {
        api,
        apiProcess,
        workers: workerProcesses,
        queuePrefix,
        peakRss: () =>
          Object.fromEntries(started.map((app) => [app.label, round(app.peakRssMb(), 1)])),
        cpuSeconds: () => started.reduce((sum, app) => sum + app.cpuSeconds(), 0),
        stop: async () => {
          api.close();
          await stopAll();
        },
      };
    } catch (error) {
      await stopAll();
      throw error;
    }
  }

  /**
   * Creates `count` records through the API from HTTP_CLIENTS clients, spread over users
   * `<usernamePrefix>0..`, and waits until every one is active: seconds from the first POST to
   * the poll that saw the last one active (one query per poll, not one per record).
   */
  async createRecords(
    apps: RunningApps,
    {
      usernamePrefix,
      count,
      users = HTTP_CLIENTS,
      timeoutMs,
    }: { usernamePrefix: string; count: number; users?: number; timeoutMs: number },
  ): Promise<{ seconds: number; postSeconds: number; counts: StatusCounts }> {
    const started = nowMs();
    let postSeconds = Number.NaN;
    const posting = runPool(count, HTTP_CLIENTS, async (index) => {
      await apps.api.createRecord(`${usernamePrefix}${index % users}`, `r${index}`);
    }).then(() => {
      postSeconds = (nowMs() - started) / 1000;
    });
    let postError: unknown;
    posting.catch((error: unknown) => (postError = error));
    const counts = await pollUntil(
      `${count} records active (${usernamePrefix}*)`,
      async () => {
        if (postError !== undefined) throw postError;
        const current = await this.db.statusCounts(usernamePrefix);
        return (current.active ?? 0) + (current.error ?? 0) >= count ? current : undefined;
      },
      { intervalMs: 100, timeoutMs },
    );
    const seconds = (nowMs() - started) / 1000;
    await posting;
    if ((counts.error ?? 0) > 0) {
      const reasons = await this.db.errorReasons(usernamePrefix);
      throw new ScenarioError(
        `${counts.error} of ${count} records ended in error: ${reasons.join(' | ')}`,
      );
    }
    return { seconds, postSeconds, counts };
  }

  async close(): Promise<void> {
    await this.db.close();
    this.redis.disconnect();
  }
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
