import { DNS_FLOW } from '@starchart/dns-flow';
import { Queue } from 'bullmq';
import { countersDelta, type EmulatorCounters, totalRequests } from '../lib/emulator-control';
import { round, type BenchContext } from '../lib/harness';
import { atLeast, atMost, figure, type ScenarioResult } from '../lib/results';
import { nowMs } from '../lib/timing';

const RECORDS = 5_000;
const NAIVE_RECORDS = 100;
// Route 53's documented limit for years, and a propagation delay short enough to keep the run bounded.
const ROUTE53_LIKE = { insyncDelayMs: 1_000, rps: 5, burst: 5 };
const TIMEOUT_MS = 600_000;
const PAGE = 500;

interface RunFigures {
  seconds: number;
  recordsPerSecond: number;
  calls: EmulatorCounters;
  failedAttempts: number;
  throttledFailures: number;
  recordsInError: number;
}

/** Many records against a Route 53 that allows 5 calls a second, batched and naive. */
export async function scale(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  const batched = await run(context, 'scale', RECORDS, {});
  const naive = await run(context, 'naive', NAIVE_RECORDS, { ROUTE53_BATCHING: 'off' });
  const changesPerRecord = (batched.calls.requests['ChangeResourceRecordSets'] ?? 0) / RECORDS;
  const speedup = batched.recordsPerSecond / naive.recordsPerSecond;
  return {
    scenario: 'scale',
    seconds: (nowMs() - started) / 1000,
    figures: [
      figure(
        `records/s (${RECORDS}, 5 rps, 1 s delay)`,
        round(batched.recordsPerSecond, 1),
        '/s',
        atLeast(batched.recordsPerSecond, 150),
      ),
      figure('Route 53 calls / record', round(totalRequests(batched.calls) / RECORDS, 4), ''),
      figure(
        'ChangeResourceRecordSets / record',
        round(changesPerRecord, 4),
        '',
        atMost(changesPerRecord, 0.01),
      ),
      figure('Throttling responses (emulator)', batched.calls.throttled, ''),
      figure(
        'Throttling failures seen by jobs',
        batched.throttledFailures,
        '',
        atMost(batched.throttledFailures, 0),
      ),
      figure('records in error', batched.recordsInError, '', atMost(batched.recordsInError, 0)),
      figure(
        `naive records/s (${NAIVE_RECORDS}, batching off)`,
        round(naive.recordsPerSecond, 2),
        '/s',
      ),
      figure(
        'naive Route 53 calls / record',
        round(totalRequests(naive.calls) / NAIVE_RECORDS, 2),
        '',
      ),
      figure('ratio batched / naive', round(speedup, 1), 'x', atLeast(speedup, 50)),
    ],
    details: { batched, naive, emulator: ROUTE53_LIKE },
  };
}

async function run(
  context: BenchContext,
  scenario: string,
  count: number,
  workerEnv: Record<string, string>,
): Promise<RunFigures> {
  await context.emulator.configure(ROUTE53_LIKE);
  const apps = await context.startApps({ scenario, workerEnv });
  try {
    const before = await context.emulator.counters();
    const { seconds, counts } = await context.createRecords(apps, {
      usernamePrefix: `${scenario}-`,
      count,
      timeoutMs: TIMEOUT_MS,
    });
    const calls = countersDelta(before, await context.emulator.counters());
    const attempts = await failedAttempts(context, apps.queuePrefix);
    return {
      seconds,
      recordsPerSecond: count / seconds,
      calls,
      ...attempts,
      recordsInError: counts.error ?? 0,
    };
  } finally {
    await apps.stop();
  }
}

/** Attempts that ended in an error, across every job of the run, and how many of those were throttling. */
async function failedAttempts(
  context: BenchContext,
  prefix: string,
): Promise<{ failedAttempts: number; throttledFailures: number }> {
  let failed = 0;
  let throttled = 0;
  for (const name of DNS_FLOW.stepNames) {
    const queue = new Queue(name, { connection: context.redis, prefix });
    try {
      for (let start = 0; ; start += PAGE) {
        const jobs = await queue.getJobs(['completed', 'failed'], start, start + PAGE - 1, true);
        for (const job of jobs) {
          // BullMQ keeps one stack trace per failed attempt.
          const traces = job.stacktrace ?? [];
          failed += traces.length;
          throttled += traces.filter((trace) => /throttl|rate exceeded/i.test(trace)).length;
        }
        if (jobs.length < PAGE) break;
      }
    } finally {
      await queue.close();
    }
  }
  return { failedAttempts: failed, throttledFailures: throttled };
}
