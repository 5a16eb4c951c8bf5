import { countersDelta, type EmulatorCounters } from '../lib/emulator-control';
import { HTTP_CLIENTS, round, WORKER_PROCESSES, type BenchContext } from '../lib/harness';
import { atLeast, atMost, figure, type ScenarioResult } from '../lib/results';
import { nowMs } from '../lib/timing';
import { measureRawFlows } from './raw-bullmq';

const RECORDS = 2_000;
const TIMEOUT_MS = 180_000;

/**
 * Records per second through the whole system, next to bare BullMQ on the same Redis, and the
 * same run again with METRICS=off (api and workers) to show what measuring costs.
 */
export async function throughput(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  await context.emulator.configure({ insyncDelayMs: 0, rps: 0 });
  const unmeasured = await runOurs(context, 'throughput-metrics-off', 'tpoff-', { METRICS: 'off' });
  const measured = await runOurs(context, 'throughput', 'tp-', {});
  const { ours, calls, peakRss } = measured;
  const recordsPerSecond = RECORDS / ours.seconds;
  const unmeasuredPerSecond = RECORDS / unmeasured.ours.seconds;
  const metricsCost = 1 - recordsPerSecond / unmeasuredPerSecond;
  // CPU time per record: less at the mercy of other load on the machine than wall time is.
  const cpuCost = measured.cpuSeconds / unmeasured.cpuSeconds - 1;
  const raw = await measureRawFlows(context, {
    count: RECORDS,
    clients: HTTP_CLIENTS,
    processes: WORKER_PROCESSES,
    timeoutMs: TIMEOUT_MS,
  });
  const ratio = recordsPerSecond / raw.flowsPerSecond;
  return {
    scenario: 'throughput',
    seconds: (nowMs() - started) / 1000,
    figures: [
      figure(
        'records/s (API to active)',
        round(recordsPerSecond, 1),
        '/s',
        atLeast(recordsPerSecond, 150),
      ),
      figure('raw BullMQ flows/s', round(raw.flowsPerSecond, 1), '/s'),
      figure('ratio ours / raw', round(ratio, 3), '', atLeast(ratio, 0.25)),
      figure('records/s with METRICS=off', round(unmeasuredPerSecond, 1), '/s'),
      // Within 5 %: measuring must not cost the throughput it reports on.
      figure('metrics cost (1 - on/off)', round(metricsCost, 3), '', atMost(metricsCost, 0.05)),
      figure(
        'CPU s / 1,000 records, metrics on',
        round((measured.cpuSeconds * 1_000) / RECORDS, 2),
        's',
      ),
      figure(
        'CPU s / 1,000 records, metrics off',
        round((unmeasured.cpuSeconds * 1_000) / RECORDS, 2),
        's',
      ),
      figure('metrics CPU cost (on/off - 1)', round(cpuCost, 3), '', atMost(cpuCost, 0.05)),
    ],
    details: {
      records: RECORDS,
      clients: HTTP_CLIENTS,
      workerProcesses: WORKER_PROCESSES,
      seconds: round(ours.seconds, 3),
      postSeconds: round(ours.postSeconds, 3),
      route53Calls: calls,
      rawSeconds: round(raw.seconds, 3),
      peakRssMb: peakRss,
      metricsOffSeconds: round(unmeasured.ours.seconds, 3),
      metricsOffPeakRssMb: unmeasured.peakRss,
    },
  };
}

async function runOurs(
  context: BenchContext,
  scenario: string,
  usernamePrefix: string,
  appEnv: Record<string, string>,
): Promise<{
  ours: { seconds: number; postSeconds: number };
  calls: EmulatorCounters;
  peakRss: Record<string, number>;
  /** CPU seconds of the api and the workers while they created the records. */
  cpuSeconds: number;
}> {
  const apps = await context.startApps({ scenario, appEnv });
  try {
    const before = await context.emulator.counters();
    const cpuBefore = apps.cpuSeconds();
    const ours = await context.createRecords(apps, {
      usernamePrefix,
      count: RECORDS,
      timeoutMs: TIMEOUT_MS,
    });
    const calls = countersDelta(before, await context.emulator.counters());
    const cpuSeconds = apps.cpuSeconds() - cpuBefore;
    return { ours, calls, peakRss: apps.peakRss(), cpuSeconds };
  } finally {
    await apps.stop();
  }
}
