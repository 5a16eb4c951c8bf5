import { countersDelta, type EmulatorCounters } from '../lib/emulator-control';
import { HTTP_CLIENTS, round, WORKER_PROCESSES, type BenchContext } from '../lib/harness';
import { atLeast, figure, type ScenarioResult } from '../lib/results';
import { nowMs } from '../lib/timing';
import { measureRawFlows } from './raw-bullmq';

const RECORDS = 2_000;
const TIMEOUT_MS = 180_000;

/** Records per second through the whole system, next to bare BullMQ on the same Redis. */
export async function throughput(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  await context.emulator.configure({ insyncDelayMs: 0, rps: 0 });
  const apps = await context.startApps({ scenario: 'throughput' });
  let ours: { seconds: number; postSeconds: number };
  let calls: EmulatorCounters;
  try {
    const before = await context.emulator.counters();
    ours = await context.createRecords(apps, {
      usernamePrefix: 'tp-',
      count: RECORDS,
      timeoutMs: TIMEOUT_MS,
    });
    calls = countersDelta(before, await context.emulator.counters());
  } finally {
    await apps.stop();
  }
  const recordsPerSecond = RECORDS / ours.seconds;
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
    ],
    details: {
      records: RECORDS,
      clients: HTTP_CLIENTS,
      workerProcesses: WORKER_PROCESSES,
      seconds: round(ours.seconds, 3),
      postSeconds: round(ours.postSeconds, 3),
      route53Calls: calls,
      rawSeconds: round(raw.seconds, 3),
      peakRssMb: apps.peakRss(),
    },
  };
}
