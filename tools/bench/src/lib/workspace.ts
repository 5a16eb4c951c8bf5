import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root: this file is bundled into dist/tools/bench/main.js. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface StackState {
  dataDir: string;
  redis: { url: string };
  mysql: { host: string; port: number; user: string; password: string; database: string };
  emulator: { apiUrl: string; dnsPort: number; zoneId: string | null; rootDomain: string } | null;
  pebble: { directoryUrl: string };
  /** Started only for the scenarios that compare it with the single Redis (scale-out). */
  redisCluster?: { url: string; nodes: { port: number }[] } | null;
}

interface StartStackOptions {
  dataDir: string;
  ports: 'free';
  rootDomain: string;
  emulator: { insyncDelayMs?: number; rps?: number; burst?: number };
  /** false: no OpenID provider; the apps then verify tokens with the development secret. */
  devIdp: false;
  redisCluster?: boolean;
  log?: (line: string) => void;
}

/** What the bench uses of tools/stack/stack.mjs. */
export interface StackModule {
  startStack(options: StartStackOptions): Promise<StackState>;
  stopStack(state: StackState, options?: { removeData?: boolean }): Promise<void>;
}

/** What the bench uses of tools/scripts/app-env.mjs. */
export interface AppEnvModule {
  DEV_JWT_SECRET: string;
  appEnv(stack: StackState, options?: { apiPort?: number }): Record<string, string>;
  /** NODE_OPTIONS of one app as deployed (the api's heap budget). */
  nodeOptionsFor(app: string, inherited?: string): string;
}

function hasFunctions(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof Reflect.get(value, name) === 'function')
  );
}

function isStackModule(value: unknown): value is StackModule {
  return hasFunctions(value, ['startStack', 'stopStack']);
}

function isAppEnvModule(value: unknown): value is AppEnvModule {
  return (
    hasFunctions(value, ['appEnv', 'nodeOptionsFor']) &&
    typeof Reflect.get(Object(value), 'DEV_JWT_SECRET') === 'string'
  );
}

// The stack scripts are plain ES modules run from the source tree; webpack must leave the
// import to Node instead of bundling them.
async function importScript(relativePath: string): Promise<unknown> {
  const url = pathToFileURL(path.join(REPO_ROOT, relativePath)).href;
  return import(/* webpackIgnore: true */ url);
}

export async function loadStackModule(): Promise<StackModule> {
  const loaded = await importScript('tools/stack/stack.mjs');
  if (!isStackModule(loaded)) throw new Error('tools/stack/stack.mjs lacks startStack/stopStack');
  return loaded;
}

export async function loadAppEnvModule(): Promise<AppEnvModule> {
  const loaded = await importScript('tools/scripts/app-env.mjs');
  if (!isAppEnvModule(loaded))
    throw new Error('tools/scripts/app-env.mjs lacks appEnv or nodeOptionsFor');
  return loaded;
}
