import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTestDatabase, stackEnv } from '../support/api-harness';

// Issue 18: the built api, started as an operator starts it, with the secret this repository
// publishes. Nothing may be mocked here: the refusal must happen in dist/apps/api/main.js.
const API_MAIN = resolve(__dirname, '../../../../dist/apps/api/main.js');
const DEV_SECRET = 'starchart-development-secret-change-me-0123456789';
const BOOT_TIMEOUT_MS = 45_000;

interface Boot {
  /** Exit code, or 'listening' once the api serves (then it is stopped). */
  outcome: number | 'listening';
  output: string;
}

function boot(env: Record<string, string>): Promise<Boot> {
  if (!existsSync(API_MAIN))
    throw new Error(`${API_MAIN} is missing: run \`npx nx build api\` first`);
  const child: ChildProcess = spawn(process.execPath, [API_MAIN], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let url: string | undefined;
  return new Promise<Boot>((done, failed) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      failed(new Error(`the api neither served nor exited in time:\n${output}`));
    }, BOOT_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"msg":"listening","url":"([^"]+)"/.exec(output);
      if (!listening || url !== undefined) return;
      url = (listening[1] ?? '').replace('[::1]', '127.0.0.1');
      // It answers, then it is stopped.
      fetch(`${url}/health`)
        .then((response) => response.body?.cancel())
        .finally(() => child.kill('SIGTERM'));
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(url !== undefined ? { outcome: 'listening', output } : { outcome: code ?? -1, output });
    });
  });
}

// Booting the built api takes seconds on a loaded 2-core machine.
jest.setTimeout(BOOT_TIMEOUT_MS + 15_000);

describe('the built api with a published or weak HS256 secret', () => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    env = { ...stackEnv(database.url, '{boot}'), JWT_SECRET: DEV_SECRET, LOG_LEVEL: 'warn' };
  });

  afterAll(async () => {
    await drop();
  });

  it('refuses to start with the development secret and NODE_ENV=production, naming the variable and why', async () => {
    const result = await boot({ ...env, NODE_ENV: 'production' });
    expect(result.outcome).toBe(1);
    expect(result.output).toContain('JWT_SECRET: is a development secret published');
    expect(result.output).toContain('NODE_ENV=development or test');
  });

  it('starts with the development secret and NODE_ENV=development', async () => {
    const result = await boot({ ...env, NODE_ENV: 'development', LOG_LEVEL: 'log' });
    expect(result.outcome).toBe('listening');
  });

  it('refuses a 16-byte secret, even in development', async () => {
    const result = await boot({
      ...env,
      NODE_ENV: 'development',
      JWT_SECRET: 'sixteen-bytes-ok',
    });
    expect(result.outcome).toBe(1);
    expect(result.output).toContain('JWT_SECRET: must be at least 32 bytes long');
  });
});
