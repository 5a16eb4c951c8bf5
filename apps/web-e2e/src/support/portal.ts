import { freePort, mysqlUrl, testStack, type TestStack, uniqueId } from '@starchart/testing';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

/**
 * The whole product as a person meets it: the built api and worker as their own processes, the
 * built web app on the stack's web origin (the one the dev-idp redirects to and the api's CORS
 * allows), on a database and queue prefix of their own on the test stack.
 */

const ROOT = resolve(__dirname, '../../../..');
const APP_ENV_MODULE = resolve(ROOT, 'tools/scripts/app-env.mjs');
const WEB_SERVER_MODULE = resolve(ROOT, 'tools/scripts/web-server.mjs');
export const ARTIFACTS = resolve(ROOT, 'test-artifacts/web');
const READY_TIMEOUT_MS = 60_000;

interface AppEnvModule {
  appEnv(stack: TestStack, options: { apiPort: number }): Record<string, string>;
}
interface WebServerModule {
  webConfig(settings: { apiUrl: string; issuer: string; boardUrl?: string }): object;
  startWebServer(options: {
    root: string;
    port: number;
    config: object;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

export interface Portal {
  stack: TestStack;
  webUrl: string;
  apiUrl: string;
  rootDomain: string;
  /** Everything the api and the worker printed, for a failing test's message. */
  output(): string;
  close(): Promise<void>;
}

async function onDatabaseServer(stack: TestStack, sql: string): Promise<void> {
  const { host, port, user, password } = stack.mysql;
  const connection = await createConnection({ host, port, user, password });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

interface RunningApp {
  child: ChildProcess;
  output: string[];
}

function startApp(
  name: 'api' | 'worker',
  env: Record<string, string>,
  ready: (app: RunningApp) => Promise<boolean>,
): Promise<RunningApp> {
  const child = spawn(process.execPath, [resolve(ROOT, `dist/apps/${name}/main.js`)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app: RunningApp = { child, output: [] };
  const take = (chunk: Buffer): void => void app.output.push(`[${name}] ${chunk.toString()}`);
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return new Promise((started, failed) => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const exited = (): void => failed(new Error(`${name} exited:\n${app.output.join('')}`));
    child.once('exit', exited);
    const poll = async (): Promise<void> => {
      if (await ready(app).catch(() => false)) {
        child.off('exit', exited);
        started(app);
      } else if (Date.now() > deadline) {
        child.kill('SIGKILL');
        failed(
          new Error(`${name} not ready in ${READY_TIMEOUT_MS / 1000} s:\n${app.output.join('')}`),
        );
      } else setTimeout(() => void poll(), 200);
    };
    void poll();
  });
}

function stopApp({ child }: RunningApp): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** `env`: settings of the api and the worker on top of the test stack's, such as a budget. */
export async function startPortal({
  env: settings = {},
}: { env?: Record<string, string> } = {}): Promise<Portal> {
  const stack = testStack();
  const { appEnv } = (await import(APP_ENV_MODULE)) as AppEnvModule;
  const { startWebServer, webConfig } = (await import(WEB_SERVER_MODULE)) as WebServerModule;
  mkdirSync(ARTIFACTS, { recursive: true });

  const database = `starchart_${uniqueId('web')}`;
  await onDatabaseServer(stack, `CREATE DATABASE \`${database}\``);
  const apiPort = await freePort();
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    ...appEnv(stack, { apiPort }),
    DATABASE_URL: mysqlUrl(stack, database),
    QUEUE_PREFIX: `{${uniqueId('web')}}`,
    LOG_LEVEL: 'warn',
    METRICS: 'off',
    // The zone is shared with the other tests: only this portal's database may be reconciled.
    RECONCILE_EVERY_MS: '0',
    ...settings,
  };
  await promisify(execFile)(process.execPath, [resolve(ROOT, 'dist/apps/api/main.js'), 'migrate'], {
    cwd: ROOT,
    env,
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const starting = [
    startApp('api', env, async () => (await fetch(`${apiUrl}/health`)).ok),
    // The worker logs its ready line at every log level.
    startApp('worker', env, async (app) => app.output.join('').includes('"event":"ready"')),
  ];
  const settled = await Promise.allSettled(starting);
  const apps = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const web = await (async () => {
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return startWebServer({
      root: resolve(ROOT, 'dist/apps/web'),
      port: stack.web.port,
      config: webConfig({ apiUrl, issuer: stack.devIdp.issuer }),
    });
  })().catch(async (error: unknown) => {
    await Promise.all(apps.map(stopApp));
    await onDatabaseServer(stack, `DROP DATABASE IF EXISTS \`${database}\``);
    throw error;
  });
  return {
    stack,
    webUrl: stack.web.origin,
    apiUrl,
    rootDomain: stack.emulator.rootDomain,
    output: () => apps.flatMap((app) => app.output).join(''),
    async close() {
      await web.close();
      await Promise.all(apps.map(stopApp));
      await onDatabaseServer(stack, `DROP DATABASE IF EXISTS \`${database}\``);
    },
  };
}
