import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const readySchema = z.object({ metrics: z.string().optional() });

const WORKER_MAIN = resolve(__dirname, '../../../../dist/apps/worker/main.js');

/** The built worker (`npx nx build worker`) running as its own process, as in production. */
const READY_TIMEOUT_MS = 45_000;

export interface WorkerProcess {
  pid: number;
  output(): string;
  /** Where the worker serves its metrics (started with METRICS_PORT), from its ready line. */
  metricsUrl: string | undefined;
  /** How the process ended (`exit code 1`, `signal SIGKILL`), or null while it runs. */
  exit(): string | null;
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-job, as in a crash or an OOM kill. */
  kill(): Promise<void>;
}

export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  if (!existsSync(WORKER_MAIN)) {
    throw new Error(`${WORKER_MAIN} is missing: run \`npx nx build worker\` first`);
  }
  const child: ChildProcess = spawn(process.execPath, [WORKER_MAIN], {
    env: { PATH: process.env['PATH'] ?? '', ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exit: string | null = null;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `exit code ${code}`;
      done();
    }),
  );

  // Generous: a worker boots in about 2 s, but much slower on a loaded 2-core machine.
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(
      () => failed(new Error(`worker not ready in ${READY_TIMEOUT_MS / 1000} s:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const check = (): void => {
      if (!output.includes('"event":"ready"')) return;
      clearTimeout(timer);
      ready();
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      failed(new Error(`worker exited with ${code}:\n${output}`));
    });
  });

  const readyLine = output.split('\n').find((line) => line.includes('"event":"ready"')) ?? '{}';
  const { metrics } = readySchema.parse(JSON.parse(readyLine));
  return {
    pid: child.pid ?? 0,
    output: () => output,
    metricsUrl: metrics,
    exit: () => exit,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
