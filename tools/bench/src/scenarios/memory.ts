import type { Redis } from 'ioredis';
import { round, type BenchContext } from '../lib/harness';
import { below, figure, type Figure, type ScenarioResult } from '../lib/results';
import { nowMs } from '../lib/timing';

const FLOWS = 10_000;
const TIMEOUT_MS = 600_000;
const MB = 1024 * 1024;

/** What 10,000 completed flows leave in Redis with the default retention, and each process's peak RSS. */
export async function memory(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  await context.emulator.configure({ insyncDelayMs: 0, rps: 0 });
  const apps = await context.startApps({ scenario: 'memory' });
  let before: number;
  let after: number;
  let seconds: number;
  let peakRss: Record<string, number>;
  try {
    before = await usedMemory(context.redis);
    ({ seconds } = await context.createRecords(apps, {
      usernamePrefix: 'mem-',
      count: FLOWS,
      timeoutMs: TIMEOUT_MS,
    }));
    after = await usedMemory(context.redis);
  } finally {
    await apps.stop();
    peakRss = apps.peakRss();
  }
  const growthMb = (after - before) / MB;
  const rssFigures: Figure[] = Object.entries(peakRss).map(([label, mb]) =>
    figure(`peak RSS ${label.replace(/^memory-/, '')}`, mb, 'MB', below(mb, 300)),
  );
  return {
    scenario: 'memory',
    seconds: (nowMs() - started) / 1000,
    figures: [
      figure('Redis used_memory before', round(before / MB, 1), 'MB'),
      figure(`Redis used_memory after ${FLOWS} flows`, round(after / MB, 1), 'MB'),
      figure('Redis growth', round(growthMb, 1), 'MB', below(growthMb, 64)),
      ...rssFigures,
    ],
    details: {
      flows: FLOWS,
      usedMemoryBefore: before,
      usedMemoryAfter: after,
      secondsToActive: round(seconds, 1),
      peakRssMb: peakRss,
    },
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}
