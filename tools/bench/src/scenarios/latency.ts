import { ScenarioError } from '../lib/errors';
import { round, type BenchContext } from '../lib/harness';
import { atMost, figure, type Figure, type ScenarioResult } from '../lib/results';
import { nowMs, percentile, pollUntil } from '../lib/timing';

const RECORDS = 50;
const DELAYS_MS = [0, 2_000];
const RECORD_TIMEOUT_MS = 30_000;
// Fast enough that the poll adds little to what it measures; one indexed primary-key read each.
const POLL_MS = 10;

/** One record at a time: how long from POST to active, and how much of that is ours. */
export async function latency(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  const apps = await context.startApps({ scenario: 'latency' });
  const figures: Figure[] = [];
  const samples: Record<string, number[]> = {};
  try {
    for (const delayMs of DELAYS_MS) {
      await context.emulator.configure({ insyncDelayMs: delayMs, rps: 0 });
      const latencies: number[] = [];
      for (let index = 0; index < RECORDS; index++) {
        const posted = nowMs();
        const id = await apps.api.createRecord(`lat${delayMs}-0`, `r${index}`);
        await pollUntil(
          `record ${id} active`,
          async () => {
            const status = await context.db.statusOf(id);
            if (status === 'error') throw new ScenarioError(`record ${id} ended in error`);
            return status === 'active' ? true : undefined;
          },
          { intervalMs: POLL_MS, timeoutMs: RECORD_TIMEOUT_MS },
        );
        latencies.push(nowMs() - posted);
      }
      samples[`delay${delayMs}`] = latencies.map((ms) => round(ms, 1));
      const overhead = latencies.map((ms) => ms - delayMs);
      const overheadP95 = percentile(overhead, 95) / 1000;
      figures.push(
        figure(`delay ${delayMs / 1000} s: p50 / p95 / max`, formatTriple(latencies), 's'),
        figure(`delay ${delayMs / 1000} s: overhead p50 / p95 / max`, formatTriple(overhead), 's'),
        figure(
          `delay ${delayMs / 1000} s: overhead p95`,
          round(overheadP95, 3),
          's',
          atMost(overheadP95, 1),
        ),
      );
    }
  } finally {
    await apps.stop();
  }
  return {
    scenario: 'latency',
    seconds: (nowMs() - started) / 1000,
    figures,
    details: { records: RECORDS, pollMs: POLL_MS, latenciesMs: samples },
  };
}

function formatTriple(sampleMs: number[]): string {
  const seconds = [percentile(sampleMs, 50), percentile(sampleMs, 95), Math.max(...sampleMs)];
  return `${seconds.map((ms) => (ms / 1000).toFixed(3)).join(' / ')} s`;
}
