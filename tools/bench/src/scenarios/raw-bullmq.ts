import { DNS_FLOW, DNS_QUEUES, type DnsRecordJobData } from '@starchart/dns-flow';
import { FlowProducer, MetricsTime, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AppProcess } from '../lib/app-process';
import type { BenchContext } from '../lib/harness';
import { nowMs, pollUntil, runPool } from '../lib/timing';

export const RAW_WORKER_COMMAND = 'raw-worker';
const RAW_ENV = { redisUrl: 'BENCH_RAW_REDIS_URL', prefix: 'BENCH_RAW_PREFIX' } as const;

/**
 * The child process of the baseline: a no-op BullMQ Worker per queue of the DNS flow, with the
 * workers' default concurrency.
 */
export async function runRawWorker(env: NodeJS.ProcessEnv): Promise<void> {
  const redisUrl = env[RAW_ENV.redisUrl];
  const prefix = env[RAW_ENV.prefix];
  if (!redisUrl || !prefix) throw new Error(`set ${RAW_ENV.redisUrl} and ${RAW_ENV.prefix}`);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workers = DNS_FLOW.stepNames.map(
    (queue) =>
      new Worker(queue, async () => null, {
        connection,
        prefix,
        concurrency: DNS_FLOW.table.steps[queue].concurrency,
        // Retention keeps only the latest completed roots, so their count comes from metrics.
        ...(queue === DNS_QUEUES.syncDbStatus
          ? { metrics: { maxDataPoints: MetricsTime.ONE_HOUR } }
          : {}),
      }),
  );
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  const stop = async (): Promise<void> => {
    await Promise.all(workers.map((worker) => worker.close()));
    connection.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  console.log(JSON.stringify({ event: 'ready', pid: process.pid }));
}

function flowData(index: number): DnsRecordJobData {
  return {
    op: 'create',
    recordId: `raw${index}`,
    version: 1,
    username: `raw${index % 64}`,
    name: `r${index}`,
    fqdn: `r${index}.raw${index % 64}.bench.test`,
    type: 'A',
    value: '192.0.2.10',
    priority: null,
    weight: null,
    port: null,
    ttl: 300,
  };
}

/**
 * Flows per second of bare BullMQ: the flow shape of DNS_FLOW.build added by a FlowProducer from
 * `clients` concurrent callers, processed by no-op workers in `processes` child processes.
 */
export async function measureRawFlows(
  context: BenchContext,
  {
    count,
    clients,
    processes,
    timeoutMs,
  }: { count: number; clients: number; processes: number; timeoutMs: number },
): Promise<{ flowsPerSecond: number; seconds: number }> {
  const prefix = `{bench-raw-${process.pid}}`;
  const children: AppProcess[] = [];
  const connection = new Redis(context.stack.redis.url, { maxRetriesPerRequest: null });
  const producer = new FlowProducer({ connection, prefix });
  const roots = new Queue(DNS_QUEUES.syncDbStatus, { connection, prefix });
  try {
    for (let index = 0; index < processes; index++) {
      children.push(
        await AppProcess.start({
          label: `raw-worker-${index + 1}`,
          script: 'dist/tools/bench/main.js',
          args: [RAW_WORKER_COMMAND],
          env: { [RAW_ENV.redisUrl]: context.stack.redis.url, [RAW_ENV.prefix]: prefix },
          logDir: context.logDir,
          readyLine: '"event":"ready"',
        }),
      );
    }
    const started = nowMs();
    const adding = runPool(count, clients, async (index) => {
      await producer.add(DNS_FLOW.build(flowData(index)));
    });
    await pollUntil(
      `${count} raw flows completed`,
      async () =>
        (await roots.getMetrics('completed', 0, 0)).meta.count >= count ? true : undefined,
      { intervalMs: 50, timeoutMs },
    );
    const seconds = (nowMs() - started) / 1000;
    await adding;
    return { flowsPerSecond: count / seconds, seconds };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    for (const queue of DNS_FLOW.stepNames) {
      const leftover = new Queue(queue, { connection, prefix });
      await leftover.obliterate({ force: true });
      await leftover.close();
    }
    await roots.close();
    await producer.close();
    connection.disconnect();
  }
}
