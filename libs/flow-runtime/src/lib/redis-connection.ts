import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** Every Redis client of Starchart: one server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Where Redis is (REDIS_URL, REDIS_CLUSTER, REDIS_CLUSTER_NODES). */
export interface RedisTarget {
  url: string;
  /** The URL names one node of a Redis Cluster; the client learns the others from it. */
  cluster?: boolean;
  /** More nodes to start from (`host:port`), so that a client can reconnect while one is down. */
  seeds?: readonly string[];
}

/** The Redis of a library's queues (their REDIS_* settings), for every client beside them. */
export function redisTargetOf(config: {
  redisUrl: string;
  redisCluster?: boolean;
  redisClusterNodes?: readonly string[];
}): RedisTarget {
  return {
    url: config.redisUrl,
    cluster: config.redisCluster ?? false,
    ...(config.redisClusterNodes && { seeds: config.redisClusterNodes }),
  };
}

/** How one client behaves while Redis, or a node of the cluster, is away. */
export interface RedisClientOptions {
  /** Redis lists the client under this name (CLIENT LIST), on every node. */
  connectionName: string;
  /** null: a command waits for Redis however long it takes (BullMQ workers require it). */
  maxRetriesPerRequest: number | null;
  /** false: a command fails at once while disconnected instead of waiting in a queue. */
  enableOfflineQueue?: boolean;
  connectTimeoutMs?: number;
  /** Delay before the next reconnection attempt; ioredis' default when unset. */
  retryStrategy?: (attempt: number) => number;
  /** How long closing waits for the socket's 'close'; ioredis waits 2 s by default. */
  disconnectTimeoutMs?: number;
  /** A command that has no answer after this long fails (ioredis commandTimeout). */
  commandTimeoutMs?: number;
}

// A master's replica takes over within about two node timeouts; a command that meets the
// failover (a closed socket, CLUSTERDOWN, MOVED) is retried every 200 ms, 50 times at most.
const FAILOVER_RETRY_MS = 200;
const MAX_REDIRECTIONS = 50;

/**
 * The one place a Redis client is made, by every app and lib: a Redis, or an ioredis Cluster
 * when the target is one. BullMQ runs on both as long as every queue shares one hash tag
 * (QUEUE_PREFIX `{starchart}`), and every key our own scripts touch carries that tag too.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions): RedisClient {
  const node: RedisOptions = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    ...(options.enableOfflineQueue === undefined
      ? {}
      : { enableOfflineQueue: options.enableOfflineQueue }),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeout: options.connectTimeoutMs }),
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
    ...(options.disconnectTimeoutMs === undefined
      ? {}
      : { disconnectTimeout: options.disconnectTimeoutMs }),
  };
  if (!target.cluster) {
    return new Redis(target.url, {
      ...node,
      ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
    });
  }
  const url = new URL(target.url);
  const tls = url.protocol === 'rediss:';
  const cluster: ClusterOptions = {
    redisOptions: {
      ...node,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(tls ? { tls: {} } : {}),
    },
    ...(options.enableOfflineQueue === undefined
      ? {}
      : { enableOfflineQueue: options.enableOfflineQueue }),
    ...(options.retryStrategy ? { clusterRetryStrategy: options.retryStrategy } : {}),
    retryDelayOnFailover: FAILOVER_RETRY_MS,
    retryDelayOnClusterDown: FAILOVER_RETRY_MS,
    retryDelayOnTryAgain: FAILOVER_RETRY_MS,
    maxRedirections: MAX_REDIRECTIONS,
    slotsRefreshTimeout: 2_000,
    // Managed clusters with TLS (ElastiCache) answer with addresses whose certificates name
    // the configured host, so nodes are reached by address as announced, without a lookup.
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  const seeds = [`${url.hostname}:${url.port || 6379}`, ...(target.seeds ?? [])];
  return new Cluster(
    [...new Set(seeds)].map((seed) => {
      const separator = seed.lastIndexOf(':');
      return { host: seed.slice(0, separator), port: Number(seed.slice(separator + 1)) };
    }),
    cluster,
  );
}

export type RedisRole = 'worker' | 'producer';

/**
 * One connection per flow, role and process, shared by its queues (BullMQ gives each worker its
 * own blocking connection on top, duplicated from this one). Redis lists it as
 * `<client>-<role>`.
 * - worker: BullMQ requires maxRetriesPerRequest null for the blocking commands of a worker, and
 *   workers should ride out a Redis restart rather than fail their jobs.
 * - producer: a command waits for at most one reconnection attempt, so the api rides out a blip
 *   but answers 503 within a fraction of a second when Redis is away.
 */
export function createRedisConnection(
  target: RedisTarget,
  role: RedisRole,
  client: string,
): RedisClient {
  return createRedisClient(target, {
    connectionName: `${client}-${role}`,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
  });
}

/** quit() sends QUIT and fails on a connection that never came up; disconnect() does not. */
export async function closeRedisConnection(connection: RedisClient): Promise<void> {
  if (connection.status === 'ready') await connection.quit();
  else connection.disconnect();
}
