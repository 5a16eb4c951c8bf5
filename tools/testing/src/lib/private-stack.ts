import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RedisClusterState, TestStack } from './stack';

const STACK_MODULE = resolve(__dirname, '../../../stack/stack.mjs');
const CLUSTER_MODULE = resolve(__dirname, '../../../stack/redis-cluster.mjs');

export type StackServiceName = 'redis' | 'mariadb' | 'emulator' | 'pebble' | 'maildev';

/** What a test needs of tools/stack/stack.mjs (plain JavaScript, typed here). */
interface StackModule {
  startStack(options: {
    dataDir: string;
    ports: 'free';
    rootDomain: string;
    emulator?: { insyncDelayMs?: number; rps?: number };
    devIdp?: false;
    redisCluster?: boolean;
  }): Promise<TestStack>;
  stopStack(state: TestStack, options: { removeData: boolean }): Promise<void>;
  startService(state: TestStack, name: StackServiceName): Promise<void>;
  stopService(
    state: TestStack,
    name: StackServiceName,
    options?: { kill?: boolean },
  ): Promise<void>;
}

/** What a test needs of tools/stack/redis-cluster.mjs. */
interface ClusterModule {
  startRedisCluster(options: { dataDir: string }): Promise<RedisClusterState>;
  stopRedisCluster(cluster: RedisClusterState, options: { removeData: boolean }): Promise<void>;
  startNode(cluster: RedisClusterState, node: RedisClusterState['nodes'][number]): Promise<void>;
  stopNode(
    cluster: RedisClusterState,
    node: RedisClusterState['nodes'][number],
    options?: { kill?: boolean },
  ): Promise<void>;
  waitForClusterOk(cluster: RedisClusterState, timeoutMs: number): Promise<void>;
}

/** A throwaway stack of its own, for a test that stops and starts services (outages). */
export interface PrivateStack {
  state: TestStack;
  /** SIGKILLs the cluster node on `port` (a crash: it says goodbye to no one). */
  killClusterNode(port: number): Promise<void>;
  /** Starts the cluster node on `port` again, on its data: it rejoins, a replica if it was replaced. */
  restartClusterNode(port: number): Promise<void>;
  /** Resolves once every running node says cluster_state:ok again. */
  clusterOk(timeoutMs: number): Promise<void>;
  stop(name: StackServiceName, options?: { kill?: boolean }): Promise<void>;
  start(name: StackServiceName): Promise<void>;
  /** Stops every service and removes the data. */
  down(): Promise<void>;
}

export async function startPrivateStack(
  rootDomain = 'outage.test',
  options: { redisCluster?: boolean } = {},
): Promise<PrivateStack> {
  const stack: StackModule = await import(STACK_MODULE);
  const clusterModule: ClusterModule = await import(CLUSTER_MODULE);
  const dataDir = await mkdtemp(join(tmpdir(), 'starchart-stack-'));
  const state = await stack.startStack({
    dataDir,
    ports: 'free',
    rootDomain,
    emulator: { insyncDelayMs: 200, rps: 0 },
    // No OpenID provider: outage tests sign their tokens with a shared secret.
    devIdp: false,
    redisCluster: options.redisCluster ?? false,
  });
  const cluster = (): RedisClusterState => {
    if (!state.redisCluster) throw new Error('this private stack has no Redis Cluster');
    return state.redisCluster;
  };
  const nodeOn = (port: number): RedisClusterState['nodes'][number] => {
    const node = cluster().nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no cluster node on port ${port}`);
    return node;
  };
  return {
    state,
    killClusterNode: (port) => clusterModule.stopNode(cluster(), nodeOn(port), { kill: true }),
    restartClusterNode: (port) => clusterModule.startNode(cluster(), nodeOn(port)),
    clusterOk: (timeoutMs) => clusterModule.waitForClusterOk(cluster(), timeoutMs),
    stop: (name, options) => stack.stopService(state, name, options),
    start: (name) => stack.startService(state, name),
    down: () => stack.stopStack(state, { removeData: true }),
  };
}

/** A Redis Cluster of its own (3 masters, 3 replicas) without the rest of a stack; down() removes it. */
export async function startOwnRedisCluster(): Promise<{
  state: RedisClusterState;
  down(): Promise<void>;
}> {
  const clusterModule: ClusterModule = await import(CLUSTER_MODULE);
  const dataDir = await mkdtemp(join(tmpdir(), 'starchart-cluster-'));
  const state = await clusterModule.startRedisCluster({ dataDir });
  return {
    state,
    down: async () => {
      await clusterModule.stopRedisCluster(state, { removeData: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
