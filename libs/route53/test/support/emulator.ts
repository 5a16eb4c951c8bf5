import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const EMULATOR_SCRIPT = resolve(__dirname, '../../../../dist/tools/route53-emulator/main.js');

export interface EmulatorCounters {
  /** Every call received per operation, throttled and failed ones included. */
  requests: Record<string, number | undefined>;
  /** Calls the emulator's token bucket refused. */
  throttled: number;
  faultsInjected: number;
}

/** Control API of the Route 53 emulator (tools/route53-emulator), for tests only. */
export class EmulatorControl {
  constructor(readonly apiUrl: string) {}

  /** A hosted zone of this test's own; returns its id with the '/hostedzone/' prefix. */
  async createZone(
    name: string,
    options: { maxRecordSets?: number } = {},
  ): Promise<{ id: string; name: string }> {
    return (await this.request('POST', 'zones', { name, ...options })) as {
      id: string;
      name: string;
    };
  }

  async counters(): Promise<EmulatorCounters> {
    return (await this.request('GET', 'counters')) as EmulatorCounters;
  }

  async addFault(fault: {
    operation: string;
    kind: 'InternalFailure' | 'Throttling' | 'PriorRequestNotComplete' | 'Delay' | 'StuckPending';
    count: number;
    delayMs?: number;
  }): Promise<void> {
    await this.request('POST', 'faults', fault);
  }

  /** Changes the emulator's propagation delay or rate limit; answers the whole config. */
  async configure(config: { insyncDelayMs?: number; rps?: number; burst?: number }): Promise<void> {
    await this.request('POST', 'config', config);
  }

  async clearFaults(): Promise<void> {
    await this.request('DELETE', 'faults');
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.apiUrl}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} /_emulator/${path}: ${response.status} ${await response.text()}`);
    }
    return response.json();
  }
}

export interface PrivateEmulator {
  control: EmulatorControl;
  apiUrl: string;
  dnsPort: number;
  close(): Promise<void>;
}

/**
 * An emulator of this test file's own, in a child process on free ports, for tests that count
 * requests, inject faults or need a rate of their own: the shared one serves every test file.
 */
export async function startPrivateEmulator(options: {
  rps: number;
  burst: number;
  insyncDelayMs: number;
}): Promise<PrivateEmulator> {
  if (!existsSync(EMULATOR_SCRIPT)) {
    throw new Error(`${EMULATOR_SCRIPT} is missing: run \`npx nx build route53-emulator\``);
  }
  const child = spawn(
    process.execPath,
    [
      EMULATOR_SCRIPT,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--dns-port',
      '0',
      '--rps',
      String(options.rps),
      '--burst',
      String(options.burst),
      '--insync-delay-ms',
      String(options.insyncDelayMs),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { apiUrl, dnsPort } = await readyLine(child);
  return {
    control: new EmulatorControl(apiUrl),
    apiUrl,
    dnsPort,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function readyLine(child: ChildProcess): Promise<{ apiUrl: string; dnsPort: number }> {
  const { stdout, stderr } = child;
  if (!stdout || !stderr) return Promise.reject(new Error('the emulator has no output'));
  // Its request log goes to stderr: kept out of the test output, but shown if it fails to start.
  let log = '';
  stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-2_000);
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the emulator exited with ${String(code)} before it was ready:\n${log}`));
    child.once('exit', onExit);
    createInterface({ input: stdout }).on('line', (line) => {
      const event = parseJson(line);
      if (!isReadyEvent(event)) return;
      child.off('exit', onExit);
      resolve(event);
    });
  });
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function isReadyEvent(value: unknown): value is { apiUrl: string; dnsPort: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Reflect.get(value, 'event') === 'ready' &&
    typeof Reflect.get(value, 'apiUrl') === 'string' &&
    typeof Reflect.get(value, 'dnsPort') === 'number'
  );
}
