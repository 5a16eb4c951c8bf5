import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScenarioError } from './errors';
import { pollUntil } from './timing';
import { REPO_ROOT } from './workspace';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface AppProcessOptions {
  /** Shown in the table and used for the log file name. */
  label: string;
  /** Script path relative to the repository root. */
  script: string;
  args?: string[];
  /** Options for node itself, before the script (--cpu-prof). */
  nodeArgs?: string[];
  env: Record<string, string>;
  logDir: string;
  /** A line the process prints on stdout when it is ready; otherwise `ready` must be polled. */
  readyLine?: string;
}

/** USER_HZ: the unit of /proc/<pid>/stat's times on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/** One spawned process (api, worker, raw BullMQ worker) with its log in `logDir`. */
export class AppProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private peakRssKb = 0;
  private cpuTicks = 0;
  private stdout = '';

  private constructor(readonly options: AppProcessOptions) {
    const script = path.join(REPO_ROOT, options.script);
    if (!existsSync(script)) throw new ScenarioError(`${script} is missing: build it first`);
    const log = createWriteStream(path.join(options.logDir, `${options.label}.log`));
    this.child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), script, ...(options.args ?? [])],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout?.on('data', (chunk: Buffer) => {
      if (this.stdout.length < 64_000) this.stdout += chunk.toString();
      log.write(chunk);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        log.end();
        resolve(code);
      }),
    );
  }

  static async start(options: AppProcessOptions): Promise<AppProcess> {
    const app = new AppProcess(options);
    const { readyLine } = options;
    if (readyLine !== undefined) {
      await app.waitFor(`${options.label} ready`, async () =>
        app.stdout.includes(readyLine) ? true : undefined,
      );
    }
    return app;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get label(): string {
    return this.options.label;
  }

  /** Polls `probe` until it answers, failing at once if the process exits meanwhile. */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    return pollUntil(
      what,
      async () => {
        if (this.child.exitCode !== null) {
          throw new ScenarioError(
            `${this.label} exited with ${this.child.exitCode}; see ${this.options.logDir}/${this.label}.log`,
          );
        }
        return probe();
      },
      { intervalMs: 100, timeoutMs: READY_TIMEOUT_MS },
    );
  }

  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMb(): number {
    this.sampleRss();
    return this.peakRssKb / 1024;
  }

  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number {
    this.sampleRss();
    return this.cpuTicks / CLOCK_TICKS_PER_SECOND;
  }

  /** SIGTERM (a clean drain), SIGKILL if it does not exit in time; keeps the last samples. */
  async stop(): Promise<void> {
    this.sampleRss();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  private sampleRss(): void {
    if (this.child.pid === undefined || this.child.exitCode !== null) return;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
      this.peakRssKb = Math.max(this.peakRssKb, kb);
      // utime and stime, fields 14 and 15; the command name before them may hold spaces.
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      this.cpuTicks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    } catch {
      // The process ended between the check and the read; the last sample stands.
    }
  }
}
