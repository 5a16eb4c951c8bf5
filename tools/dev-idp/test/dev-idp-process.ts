import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const MAIN = path.resolve(__dirname, '../../../dist/tools/dev-idp/main.js');

const readySchema = z.object({
  event: z.literal('ready'),
  issuer: z.string(),
  clientId: z.string(),
  audience: z.string(),
  jwksUrl: z.string(),
  signingKeyFile: z.string(),
  users: z.array(
    z.object({
      username: z.string(),
      password: z.string(),
      email: z.string(),
      roles: z.array(z.string()),
    }),
  ),
});
export type ReadyEvent = z.infer<typeof readySchema>;

export interface RunningDevIdp {
  ready: ReadyEvent;
  stop(): Promise<void>;
}

export interface Exited {
  code: number | null;
  stderr: string;
}

function assertBuilt(): void {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npx nx build dev-idp\` first (npm test does)`);
}

/** Runs the built provider as its own process, as tools/stack does. */
export async function startDevIdp(args: string[]): Promise<RunningDevIdp> {
  const child = run(args);
  const ready = await new Promise<ReadyEvent>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(readySchema.parse(JSON.parse(line)));
    });
    child.once('exit', (code) => reject(new Error(`dev-idp exited with ${code}: ${stderr}`)));
  });
  return { ready, stop: () => stop(child) };
}

/** Runs the built provider and waits for it to exit on its own. */
export function runToExit(args: string[]): Promise<Exited> {
  const child = run(args);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

function run(args: string[]): ChildProcess {
  assertBuilt();
  return spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
