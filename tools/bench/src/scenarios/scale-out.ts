import { type BenchContext, round } from '../lib/harness';
import { figure, type ScenarioResult } from '../lib/results';
import { ScenarioError } from '../lib/errors';
import { nowMs } from '../lib/timing';

const RECORDS = 1_000;
const TIMEOUT_MS = 300_000;
// Route 53 without a rate limit or a delay: what is measured is what the workers and Redis allow.
const UNLIMITED_ROUTE53 = { insyncDelayMs: 0, rps: 0 };

interface Run {
  label: string;
  workers: number;
  redis: 'single' | 'cluster';
  seconds: number;
  recordsPerSecond: number;
  cpuSeconds: number;
}

/** Records/s with 1, 2 and 3 worker processes on one Redis, and with 1 and 3 on a Redis Cluster. */
export async function scaleOut(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  const cluster = context.stack.redisCluster;
  if (!cluster) throw new ScenarioError('the stack was started without a Redis Cluster');
  const clusterEnv = {
    REDIS_URL: cluster.url,
    REDIS_CLUSTER: 'true',
    REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(','),
  };
  await context.emulator.configure(UNLIMITED_ROUTE53);
  const runs: Run[] = [];
  for (const workers of [1, 2, 3]) runs.push(await run(context, workers, 'single', {}));
  for (const workers of [1, 3]) runs.push(await run(context, workers, 'cluster', clusterEnv));
  const rate = (redis: Run['redis'], workers: number): number =>
    runs.find((r) => r.redis === redis && r.workers === workers)?.recordsPerSecond ?? Number.NaN;
  return {
    scenario: 'scale-out',
    seconds: (nowMs() - started) / 1000,
    figures: [
      ...runs.map((r) =>
        figure(
          `records/s, ${r.workers} worker${r.workers > 1 ? 's' : ''}, ${r.redis === 'single' ? 'one Redis' : 'Redis Cluster'} (${RECORDS})`,
          round(r.recordsPerSecond, 1),
          '/s',
        ),
      ),
      figure(
        'ratio 3 workers / 1 (one Redis)',
        round(rate('single', 3) / rate('single', 1), 2),
        'x',
      ),
      figure(
        'ratio cluster / one Redis (3 workers)',
        round(rate('cluster', 3) / rate('single', 3), 2),
        'x',
      ),
    ],
    details: { runs, records: RECORDS, emulator: UNLIMITED_ROUTE53 },
  };
}

async function run(
  context: BenchContext,
  workers: number,
  redis: Run['redis'],
  appEnv: Record<string, string>,
): Promise<Run> {
  const label = `scale-out-${redis}-${workers}w`;
  const apps = await context.startApps({ scenario: label, workers, appEnv });
  try {
    const cpuBefore = apps.cpuSeconds();
    const { seconds } = await context.createRecords(apps, {
      usernamePrefix: `${label}-`,
      count: RECORDS,
      timeoutMs: TIMEOUT_MS,
    });
    return {
      label,
      workers,
      redis,
      seconds: round(seconds, 2),
      recordsPerSecond: RECORDS / seconds,
      cpuSeconds: round(apps.cpuSeconds() - cpuBefore, 1),
    };
  } finally {
    await apps.stop();
  }
}
