import type { PrivateStack } from '@starchart/testing';
import { REQUEST_TIMEOUT_MS, sleep } from './record-load';
import { startWorker, type WorkerProcess } from './worker-process';

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

  async emulator(method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${this.stack.state.emulator.apiUrl}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status}`);
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
   * 5 % of Route 53 calls fail and five bursts of throttling come 2 s apart, while worker 0 is
   * SIGKILLed and restarted, Redis crashes (`crashRedis`), MariaDB restarts and worker 1 is
   * SIGKILLed and restarted. The faults stay on until the caller removes them.
   */
  async faults(crashRedis: () => Promise<void>): Promise<void> {
    await this.emulator('POST', 'faults', {
      operation: '*',
      kind: 'InternalFailure',
      probability: 0.05,
    });
    const throttleBursts = (async () => {
      for (let burst = 0; burst < 5; burst += 1) {
        await this.emulator('POST', 'faults', { operation: '*', kind: 'Throttling', count: 15 });
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
