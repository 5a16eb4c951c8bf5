// @ts-check
/**
 * A real Redis Cluster on 127.0.0.1 from Debian's redis-server: 3 masters and 3 replicas, each
 * node its own process group with its data, config and log under `<dataDir>/redis-cluster/`,
 * joined by `redis-cli --cluster create`. A short node timeout makes a replica take over from a
 * dead master within a few seconds, so tests can kill one and watch the apps carry on.
 *
 * Node built-ins only, like stack.mjs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, freePort, launch, terminate, waitFor } from './stack.mjs';

const execFileAsync = promisify(execFile);
const HOST = '127.0.0.1';
const MASTERS = 3;
const REPLICAS_PER_MASTER = 1;
/** Milliseconds before a silent master counts as failed and its replica is promoted. */
export const CLUSTER_NODE_TIMEOUT_MS = 1_000;

/**
 * @typedef {object} RedisClusterNode
 * @property {number} port
 * @property {number} busPort  the cluster bus (gossip, failover votes)
 * @property {number | null} pid  null once stopped
 */

/**
 * @typedef {object} RedisClusterState  also `redisCluster` in stack.json
 * @property {string} dir
 * @property {string} url  any node; a cluster client learns the others from it
 * @property {RedisClusterNode[]} nodes
 */

/**
 * Starts six nodes on free ports and joins them into one cluster; resolves once every node
 * reports `cluster_state:ok` with all 16384 slots served.
 * @param {{ dataDir: string, log?: (line: string) => void }} options
 * @returns {Promise<RedisClusterState>}
 */
export async function startRedisCluster({ dataDir, log = () => {} }) {
  const dir = path.join(path.resolve(dataDir), 'redis-cluster');
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.mkdir(dir, { recursive: true });
  const taken = new Set();
  const pick = async () => {
    let port;
    do port = await freePort();
    while (taken.has(port));
    taken.add(port);
    return port;
  };
  /** @type {RedisClusterNode[]} */
  const nodes = [];
  for (let i = 0; i < MASTERS * (1 + REPLICAS_PER_MASTER); i++)
    nodes.push({ port: await pick(), busPort: await pick(), pid: null });
  /** @type {RedisClusterState} */
  const cluster = { dir, url: `redis://${HOST}:${nodes[0].port}`, nodes };
  const started = Date.now();
  try {
    for (const node of nodes) await startNode(cluster, node);
    await execFileAsync(
      BIN.redisCli,
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `${HOST}:${node.port}`),
        '--cluster-replicas',
        String(REPLICAS_PER_MASTER),
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    await waitForClusterOk(cluster, 30_000);
  } catch (error) {
    await stopRedisCluster(cluster).catch(() => undefined);
    throw error;
  }
  log(`redis-cluster: ready (${Date.now() - started} ms, ${nodes.map((n) => n.port).join(', ')})`);
  return cluster;
}

/**
 * Starts (or restarts, on its port and data) one node.
 * @param {RedisClusterState} cluster
 * @param {RedisClusterNode} node
 */
export async function startNode(cluster, node) {
  const nodeDir = path.join(cluster.dir, String(node.port));
  await fsp.mkdir(nodeDir, { recursive: true });
  const confPath = path.join(nodeDir, 'redis.conf');
  const logPath = path.join(nodeDir, 'redis.log');
  const conf = [
    `port ${node.port}`,
    `cluster-port ${node.busPort}`,
    `bind ${HOST}`,
    'protected-mode yes',
    `dir ${JSON.stringify(nodeDir)}`,
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    `cluster-node-timeout ${CLUSTER_NODE_TIMEOUT_MS}`,
    // A replica that lost its master a while ago may still take over: better than no master.
    'cluster-replica-validity-factor 0',
    // BullMQ loses jobs silently if Redis evicts keys or forgets writes.
    'appendonly yes',
    'appendfsync everysec',
    'maxmemory-policy noeviction',
    'save ""',
    'daemonize no',
  ];
  await fsp.writeFile(confPath, conf.join('\n') + '\n');
  const child = await launch(BIN.redisServer, [confPath], { logPath, cwd: nodeDir });
  try {
    await waitFor(
      async () => {
        if (child.exit) throw new Error(`redis-server on ${node.port} exited (${child.exit})`);
        return (await redisCli(node.port, ['PING']).catch(() => '')) === 'PONG';
      },
      { timeoutMs: 15_000, what: `cluster node ${node.port} to answer PING` },
    );
  } catch (error) {
    await terminate(child.pid, 'SIGKILL');
    const tail = await fsp.readFile(logPath, 'utf8').catch(() => '');
    throw new Error(`${error instanceof Error ? error.message : error}\n${tail.slice(-2_000)}`);
  }
  node.pid = child.pid;
}

/**
 * Stops one node: SIGTERM, or SIGKILL with `kill` (a crash: no goodbye to the cluster).
 * @param {RedisClusterState} cluster
 * @param {RedisClusterNode} node
 * @param {{ kill?: boolean }} [options]
 */
export async function stopNode(cluster, node, { kill = false } = {}) {
  if (isNodeRunning(cluster, node))
    await terminate(/** @type {number} */ (node.pid), kill ? 'SIGKILL' : 'SIGTERM');
  node.pid = null;
}

/**
 * Whether the node's recorded pid is still the redis-server we started: its stdout goes to its
 * log under the cluster's directory (a stale stack.json's pid may belong to someone else now).
 * @param {RedisClusterState} cluster
 * @param {RedisClusterNode} node
 */
export function isNodeRunning(cluster, node) {
  if (!node.pid) return false;
  try {
    return fs
      .readlinkSync(`/proc/${node.pid}/fd/1`)
      .startsWith(fs.realpathSync(cluster.dir) + path.sep);
  } catch {
    return false;
  }
}

/**
 * Stops every node; the data stays unless `removeData`.
 * @param {RedisClusterState} cluster
 * @param {{ removeData?: boolean }} [options]
 */
export async function stopRedisCluster(cluster, { removeData = false } = {}) {
  const results = await Promise.allSettled(cluster.nodes.map((node) => stopNode(cluster, node)));
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason] : [],
  );
  if (failures.length)
    throw new AggregateError(failures, `could not stop the Redis Cluster in ${cluster.dir}`);
  if (removeData) await fsp.rm(cluster.dir, { recursive: true, force: true });
}

/**
 * `CLUSTER INFO` of one node, as a map.
 * @param {number} port
 * @returns {Promise<Record<string, string>>}
 */
export async function clusterInfo(port) {
  const text = await redisCli(port, ['CLUSTER', 'INFO']);
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => /** @type {[string, string]} */ (line.trim().split(':', 2))),
  );
}

/**
 * The running nodes that serve slots now, by port (masters after any failover).
 * @param {RedisClusterState} cluster
 * @returns {Promise<RedisClusterNode[]>}
 */
export async function currentMasters(cluster) {
  const masters = [];
  for (const node of cluster.nodes) {
    if (!node.pid) continue;
    const role = await redisCli(node.port, ['ROLE']).catch(() => '');
    if (role.startsWith('master')) masters.push(node);
  }
  return masters;
}

/**
 * Waits until every running node says the cluster is ok, every slot served by a live master.
 * @param {RedisClusterState} cluster
 * @param {number} timeoutMs
 */
export async function waitForClusterOk(cluster, timeoutMs) {
  await waitFor(
    async () => {
      for (const node of cluster.nodes) {
        if (!node.pid) continue;
        const info = await clusterInfo(node.port).catch(() => null);
        if (info?.cluster_state !== 'ok' || info.cluster_slots_ok !== '16384') return false;
      }
      return true;
    },
    { timeoutMs, what: 'every cluster node to report cluster_state:ok', intervalMs: 200 },
  );
}

/**
 * @param {number} port
 * @param {string[]} args
 */
async function redisCli(port, args) {
  const { stdout } = await execFileAsync(BIN.redisCli, ['-h', HOST, '-p', String(port), ...args], {
    timeout: 5_000,
  });
  return stdout.trim();
}
