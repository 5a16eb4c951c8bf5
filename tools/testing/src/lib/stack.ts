import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The services `npm test` starts, as written by tools/stack/stack.mjs to stack.json. */
export interface TestStack {
  dataDir: string;
  pids: Record<string, number>;
  redis: { host: string; port: number; url: string };
  mysql: {
    host: string;
    port: number;
    socket: string;
    user: string;
    password: string;
    database: string;
  };
  pebble: { directoryUrl: string; managementUrl: string; caCertPath: string };
  emulator: { apiUrl: string; dnsPort: number; zoneId: string; rootDomain: string };
  /** The development OpenID provider (tools/dev-idp). */
  devIdp: {
    issuer: string;
    clientId: string;
    audience: string;
    jwksUrl: string;
    signingKeyFile: string;
    users: { username: string; password: string; email: string; roles: string[] }[];
  };
  /** MailDev: what the apps send over SMTP lands in its inbox, read through its REST API. */
  mail: { smtpUrl: string; webUrl: string };
  /** Where the web app is served: the stack reserves the port, the dev-idp and CORS allow the origin. */
  web: { origin: string; port: number };
  /** A Redis Cluster beside the single Redis, when the stack was started with one. */
  redisCluster?: RedisClusterState | null;
}

/** tools/stack/redis-cluster.mjs: 3 masters and 3 replicas on loopback. */
export interface RedisClusterState {
  dir: string;
  /** Any node; a cluster client learns the others from it. */
  url: string;
  nodes: { port: number; busPort: number; pid: number | null }[];
}

let cached: TestStack | undefined;

/**
 * The throwaway stack of this test run. `npm test` starts it and passes its state file in
 * STARCHART_STACK_FILE; a developer can start one with `node tools/stack/cli.mjs up --test`.
 */
export function testStack(): TestStack {
  if (cached) return cached;
  const file = process.env['STARCHART_STACK_FILE'];
  if (!file) {
    throw new Error(
      'STARCHART_STACK_FILE is not set: run tests through `npm test`, or start a stack with ' +
        '`node tools/stack/cli.mjs up --test` and export STARCHART_STACK_FILE=<its stack.json>',
    );
  }
  cached = JSON.parse(readFileSync(resolve(file), 'utf8')) as TestStack;
  return cached;
}

/** A mysql:// URL for the stack's database, or for another database on the same server. */
export function mysqlUrl(stack: TestStack, database = stack.mysql.database): string {
  const { user, password, host, port } = stack.mysql;
  return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}
