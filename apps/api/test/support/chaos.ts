import { DNS_QUEUES } from '@starchart/dns-flow';
import { createRedisClient, redisTargetOf } from '@starchart/flow-runtime';
import type { PrivateStack } from '@starchart/testing';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { REQUEST_TIMEOUT_MS, sleep } from './record-load';
import { startWorker, type WorkerProcess } from './worker-process';

const route53CountersSchema = z.object({
  requests: z.record(z.string(), z.number()),
  throttled: z.number(),
  faultsInjected: z.number(),
});

/** How long each throttling burst of a chaos run lasts: Route 53 throttles every call in it. */
const THROTTLE_BURST_MS = 1_000;

/**
 * The faults of a chaos run on a private stack, and its log: Route 53 failing and throttling
 * (the emulator's fault switch), worker processes SIGKILLed and started again, MariaDB restarted,
 * and Redis crashing the way the run's Redis does (one server killed, or a cluster master).
 */
export class ChaosRun {
  readonly events: string[] = [];
  private started = Date.now();

  constructor(
    private readonly stack: PrivateStack,
    /** The run's workers; a restart replaces the entry. */
    readonly workers: WorkerProcess[],
    private readonly workerEnv: () => Record<string, string>,
  ) {}

  /** Starts the clock and the log afresh, for the next test. */
  begin(): void {
    this.started = Date.now();
    this.events.length = 0;
  }

  elapsedS(): string {
    return ((Date.now() - this.started) / 1000).toFixed(1);
  }

  note(event: string): void {
    this.events.push(`${this.elapsedS()} s ${event}`);
  }

  async emulator(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.stack.state.emulator.apiUrl}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status}`);
    return response.json();
  }

  /**
   * Notes where the flows of records still pending stand: each step queue's jobs by state, and
   * the emulator's faults still on. What a failed run needs, to tell a slow run from a stuck one.
   */
  async noteUnsettled(env: Record<string, string>): Promise<void> {
    const connection = createRedisClient(
      redisTargetOf({
        redisUrl: env['REDIS_URL'] ?? '',
        redisCluster: env['REDIS_CLUSTER'] === 'true',
        ...(env['REDIS_CLUSTER_NODES'] && {
          redisClusterNodes: env['REDIS_CLUSTER_NODES'].split(','),
        }),
      }),
      { connectionName: 'chaos-report', maxRetriesPerRequest: 1 },
    );
    try {
      for (const name of Object.values(DNS_QUEUES)) {
        const queue = new Queue(name, { connection, prefix: env['QUEUE_PREFIX'] ?? 'bull' });
        const counts = await queue.getJobCounts(
          'wait',
          'active',
          'delayed',
          'waiting-children',
          'completed',
          'failed',
        );
        await queue.close();
        this.note(`${name}: ${JSON.stringify(counts)}`);
      }
    } finally {
      connection.disconnect();
    }
    this.note(`faults on: ${JSON.stringify(await this.emulator('GET', 'faults'))}`);
  }

  /** How many Route 53 calls the faults hit since `before`; noted in the run's log. */
  async faultedCallsSince(before: { calls: number; faulted: number }): Promise<number> {
    const now = await this.route53Calls();
    const faulted = now.faulted - before.faulted;
    this.note(`Route 53: ${now.calls - before.calls} calls, ${faulted} failed or throttled`);
    return faulted;
  }

  /** The Route 53 calls of the stack so far, and how many of them the faults hit. */
  async route53Calls(): Promise<{ calls: number; faulted: number }> {
    const counters = route53CountersSchema.parse(await this.emulator('GET', 'counters'));
    return {
      calls: Object.values(counters.requests).reduce((sum, n) => sum + n, 0),
      faulted: counters.faultsInjected,
    };
  }

  async restartWorker(index: number): Promise<void> {
    await this.workers[index]?.kill();
    this.note(`worker ${index} killed`);
    this.workers[index] = await startWorker(this.workerEnv());
    this.note(`worker ${index} restarted`);
  }

  /** Each worker alive, or how it ended with the end of its output. */
  workersReport(): string {
    return this.workers
      .map((worker, index) =>
        worker.exit() === null
          ? `worker ${index}: alive`
          : `worker ${index}: ${worker.exit() ?? ''}\n${worker.output().slice(-3_000)}`,
      )
      .join('\n');
  }

  /**
   * 5 % of Route 53 calls fail and five bursts, 2 s apart, throttle every call for 1 s, while
   * worker 0 is SIGKILLed and restarted, Redis crashes (`crashRedis`), MariaDB restarts and
   * worker 1 is SIGKILLed and restarted. The 5 % stay on until the caller removes them.
   */
  async faults(crashRedis: () => Promise<void>): Promise<void> {
    await this.emulator('POST', 'faults', {
      operation: '*',
      kind: 'InternalFailure',
      probability: 0.05,
    });
    // Each burst is a window of time, as Route 53's throttling is: a count of throttled calls
    // would outlast the faults phase by however long the clients, backing off, take to use it up.
    const throttleBursts = (async () => {
      for (let burst = 0; burst < 5; burst += 1) {
        await this.emulator('POST', 'faults', {
          operation: '*',
          kind: 'Throttling',
          probability: 1,
          forMs: THROTTLE_BURST_MS,
        });
        await sleep(2_000);
      }
    })();
    await sleep(1_000);
    await this.restartWorker(0);
    await sleep(1_000);
    await crashRedis();
    await sleep(1_500);
    await this.stack.stop('mariadb');
    this.note('mariadb stopped');
    await this.stack.start('mariadb');
    this.note('mariadb back');
    await sleep(1_000);
    await this.restartWorker(1);
    await throttleBursts;
  }
}
