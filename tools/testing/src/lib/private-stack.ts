import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestStack } from './stack';

const STACK_MODULE = resolve(__dirname, '../../../stack/stack.mjs');

export type StackServiceName = 'redis' | 'mariadb' | 'emulator' | 'pebble' | 'maildev';

/** What a test needs of tools/stack/stack.mjs (plain JavaScript, typed here). */
interface StackModule {
  startStack(options: {
    dataDir: string;
    ports: 'free';
    rootDomain: string;
    emulator?: { insyncDelayMs?: number; rps?: number };
    devIdp?: false;
  }): Promise<TestStack>;
  stopStack(state: TestStack, options: { removeData: boolean }): Promise<void>;
  startService(state: TestStack, name: StackServiceName): Promise<void>;
  stopService(
    state: TestStack,
    name: StackServiceName,
    options?: { kill?: boolean },
  ): Promise<void>;
}

/** A throwaway stack of its own, for a test that stops and starts services (outages). */
export interface PrivateStack {
  state: TestStack;
  stop(name: StackServiceName, options?: { kill?: boolean }): Promise<void>;
  start(name: StackServiceName): Promise<void>;
  /** Stops every service and removes the data. */
  down(): Promise<void>;
}

export async function startPrivateStack(rootDomain = 'outage.test'): Promise<PrivateStack> {
  const stack: StackModule = await import(STACK_MODULE);
  const dataDir = await mkdtemp(join(tmpdir(), 'starchart-stack-'));
  const state = await stack.startStack({
    dataDir,
    ports: 'free',
    rootDomain,
    emulator: { insyncDelayMs: 200, rps: 0 },
    // No OpenID provider: outage tests sign their tokens with a shared secret.
    devIdp: false,
  });
  return {
    state,
    stop: (name, options) => stack.stopService(state, name, options),
    start: (name) => stack.startService(state, name),
    down: () => stack.stopStack(state, { removeData: true }),
  };
}
