// @ts-check
/**
 * The local stack: Redis, MariaDB, the Route 53 emulator and Pebble as plain
 * processes on 127.0.0.1, each in its own process group, with all their data,
 * logs and state under one directory.
 *
 * Node built-ins only: this runs on a fresh machine before `npm ci`.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRedisCluster, stopRedisCluster } from './redis-cluster.mjs';

const execFileAsync = promisify(execFile);

const HOST = '127.0.0.1';
const STATE_FILE = 'stack.json';
const STOP_TIMEOUT_MS = 10_000;
const MYSQL_DATABASE = 'starchart';
const MYSQL_USER = 'starchart';
const DEV_MYSQL_PASSWORD = 'starchart';
// sockaddr_un.sun_path is 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107;

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_EMULATOR_SCRIPT = path.join(REPO_ROOT, 'dist/tools/route53-emulator/main.js');
export const DEFAULT_DEV_IDP_SCRIPT = path.join(REPO_ROOT, 'dist/tools/dev-idp/main.js');
/** MailDev (npm `maildev`, a devDependency): an SMTP server with a web inbox and a REST API. */
export const DEFAULT_MAILDEV_SCRIPT = path.join(
  REPO_ROOT,
  'node_modules/maildev/dist/bin/maildev.js',
);

/** Absolute paths, because /usr/sbin is not on a normal user's PATH. */
export const BIN = Object.freeze({
  redisServer: '/usr/bin/redis-server',
  redisCli: '/usr/bin/redis-cli',
  mariadbd: '/usr/sbin/mariadbd',
  mariadbInstallDb: '/usr/bin/mariadb-install-db',
  mariadb: '/usr/bin/mariadb',
  mariadbAdmin: '/usr/bin/mariadb-admin',
  pebble: '/usr/bin/pebble',
  openssl: '/usr/bin/openssl',
  dig: '/usr/bin/dig',
  // The exactly-once mail test finds the worker in the middle of a send by its socket.
  ss: '/usr/bin/ss',
  // The load balancer in front of several api processes (the scale-out test).
  haproxy: '/usr/sbin/haproxy',
});

/**
 * @typedef {object} Ports
 * @property {number} redis
 * @property {number} mariadb
 * @property {number} emulatorApi
 * @property {number} emulatorDns  free on both TCP and UDP
 * @property {number} pebble  the ACME listener
 * @property {number} pebbleManagement
 * @property {number} smtp  MailDev's SMTP listener
 * @property {number} mailWeb  MailDev's web inbox and REST API
 * @property {number} devIdp  the development OpenID provider
 * @property {number} web  reserved for the web app, which the stack does not start: the dev-idp
 *   and the api's CORS need its origin first
 */

/** @type {Readonly<Ports>} The dev stack's ports: next to, never on, the system services' defaults. */
export const DEV_PORTS = Object.freeze({
  redis: 6380,
  mariadb: 3307,
  emulatorApi: 4580,
  emulatorDns: 1053,
  pebble: 14000,
  pebbleManagement: 15000,
  smtp: 1025,
  mailWeb: 1080,
  devIdp: 3003,
  web: 3001,
});

/** @typedef {'redis' | 'mariadb' | 'emulator' | 'pebble' | 'maildev' | 'devIdp'} ServiceName */
/** @type {readonly ServiceName[]} In start order: the emulator precedes Pebble, which needs its DNS port. */
export const SERVICE_NAMES = Object.freeze([
  'redis',
  'mariadb',
  'emulator',
  'pebble',
  'maildev',
  'devIdp',
]);

/** @type {readonly (keyof Ports)[]} Ports the stack reserves for programs it does not start. */
const RESERVED_PORT_KEYS = Object.freeze(/** @type {const} */ (['web']));

/**
 * Flags passed to the emulator only when set; otherwise its own defaults apply.
 * @typedef {object} EmulatorOptions
 * @property {string} [script]  defaults to DEFAULT_EMULATOR_SCRIPT
 * @property {number} [insyncDelayMs]
 * @property {number} [rps]
 * @property {number} [burst]
 */

/**
 * @typedef {object} MailOptions
 * @property {string} [script]  defaults to DEFAULT_MAILDEV_SCRIPT
 */

/**
 * @typedef {object} DevIdpOptions
 * @property {string} [script]  defaults to DEFAULT_DEV_IDP_SCRIPT
 */

/**
 * @typedef {object} DevIdpUser
 * @property {string} username
 * @property {string} password
 * @property {string} email
 * @property {string[]} roles
 */

/**
 * @typedef {object} StackState  also the content of <dataDir>/stack.json
 * @property {string} dataDir
 * @property {Record<ServiceName, number | null>} pids
 * @property {{ host: string, port: number, url: string }} redis
 * @property {{ host: string, port: number, socket: string, user: string, password: string, database: string }} mysql
 * @property {{ directoryUrl: string, managementUrl: string, caCertPath: string }} pebble
 * @property {null | { apiUrl: string, dnsPort: number, zoneId: string | null, rootDomain: string, script: string, insyncDelayMs?: number, rps?: number, burst?: number }} emulator
 *   null when the stack was started with `emulator: false`
 * @property {null | { smtpUrl: string, webUrl: string, script: string }} mail
 *   MailDev: mail the apps send over SMTP lands in its inbox; null when started with `mail: false`
 * @property {null | { issuer: string, clientId: string, audience: string, jwksUrl: string, signingKeyFile: string, users: DevIdpUser[], script: string }} devIdp
 *   the development OpenID provider; null when started with `devIdp: false`
 * @property {{ origin: string, port: number }} web  where the web app is to be served
 * @property {null | import('./redis-cluster.mjs').RedisClusterState} redisCluster
 *   a Redis Cluster (3 masters, 3 replicas) beside the single Redis; null unless started with `redisCluster: true`
 * @property {string} startedAt
 */

/**
 * @typedef {object} Service
 * @property {(keyof Ports)[]} portKeys
 * @property {(state: StackState, ports: Partial<Ports>) => void} applyPorts
 * @property {(state: StackState) => Promise<{ command: string, args: string[], env?: NodeJS.ProcessEnv }>} prepare
 *   writes config files and returns the command line
 * @property {(state: StackState, output: () => Promise<string>) => Promise<boolean>} isReady
 *   `output` reads what this run of the process has logged so far
 * @property {number} readyTimeoutMs
 * @property {(state: StackState) => Promise<void>} [afterReady]
 */

/** @type {Record<ServiceName, Service>} */
const SERVICES = {
  redis: {
    portKeys: ['redis'],
    applyPorts(state, { redis }) {
      if (redis) state.redis = { host: HOST, port: redis, url: `redis://${HOST}:${redis}` };
    },
    async prepare(state) {
      const dir = path.join(state.dataDir, 'redis');
      await fsp.mkdir(dir, { recursive: true });
      const confPath = path.join(state.dataDir, 'redis.conf');
      const conf = [
        `port ${state.redis.port}`,
        `bind ${HOST}`,
        'protected-mode yes',
        `dir ${JSON.stringify(dir)}`,
        // BullMQ loses jobs silently if Redis evicts keys or forgets writes.
        'appendonly yes',
        'appendfsync everysec',
        'maxmemory-policy noeviction',
        'save ""',
        'daemonize no',
        `logfile ${JSON.stringify(logPathOf(state, 'redis'))}`,
      ];
      await fsp.writeFile(confPath, conf.join('\n') + '\n');
      return { command: BIN.redisServer, args: [confPath] };
    },
    // A PING during AOF loading answers -LOADING, so +PONG means the data is back.
    isReady: (state) => redisPing(state.redis.port),
    readyTimeoutMs: 15_000,
  },

  mariadb: {
    portKeys: ['mariadb'],
    applyPorts(state, { mariadb }) {
      if (mariadb) state.mysql.port = mariadb;
    },
    async prepare(state) {
      const datadir = path.join(state.dataDir, 'mariadb');
      await fsp.mkdir(path.join(state.dataDir, 'tmp'), { recursive: true });
      if (!fs.existsSync(datadir)) await initMariadb(state, datadir);
      return {
        command: BIN.mariadbd,
        args: [
          '--no-defaults',
          `--datadir=${datadir}`,
          `--port=${state.mysql.port}`,
          `--bind-address=${HOST}`,
          `--socket=${state.mysql.socket}`,
          `--pid-file=${path.join(state.dataDir, 'mysqld.pid')}`,
          `--log-error=${logPathOf(state, 'mariadb')}`,
          ...mariadbOptions(state),
        ],
      };
    },
    async isReady(state) {
      try {
        await execFileAsync(
          BIN.mariadbAdmin,
          [
            '--no-defaults',
            `--socket=${state.mysql.socket}`,
            '--user=root',
            '--connect-timeout=2',
            'ping',
          ],
          { timeout: 5_000 },
        );
        return true;
      } catch {
        return false;
      }
    },
    readyTimeoutMs: 60_000,
    afterReady: provisionMariadb,
  },

  emulator: {
    portKeys: ['emulatorApi', 'emulatorDns'],
    applyPorts(state, { emulatorApi, emulatorDns }) {
      if (!state.emulator) return;
      if (emulatorApi) state.emulator.apiUrl = `http://${HOST}:${emulatorApi}`;
      if (emulatorDns) state.emulator.dnsPort = emulatorDns;
    },
    async prepare(state) {
      const emulator = /** @type {NonNullable<StackState['emulator']>} */ (state.emulator);
      assertEmulatorBuilt(emulator.script);
      /** @type {[string, number | undefined][]} */
      const tuning = [
        ['--insync-delay-ms', emulator.insyncDelayMs],
        ['--rps', emulator.rps],
        ['--burst', emulator.burst],
      ];
      // prettier-ignore
      const args = [
        emulator.script,
        '--host', HOST,
        '--port', new URL(emulator.apiUrl).port,
        '--dns-port', String(emulator.dnsPort),
        ...tuning.flatMap(([flag, value]) => (value === undefined ? [] : [flag, String(value)])),
        '--zone', emulator.rootDomain,
      ];
      return { command: process.execPath, args };
    },
    async isReady(state, output) {
      const ready = (await output())
        .split('\n')
        .map(parseJsonLine)
        .find((event) => event?.event === 'ready');
      if (!ready) return false;
      const emulator = /** @type {NonNullable<StackState['emulator']>} */ (state.emulator);
      const zone = ready.zones?.find((/** @type {{ name: string }} */ z) =>
        sameDomain(z.name, emulator.rootDomain),
      );
      if (!zone)
        throw new Error(
          `the emulator reported no hosted zone for ${emulator.rootDomain}: ${JSON.stringify(ready)}`,
        );
      Object.assign(emulator, { apiUrl: ready.apiUrl, dnsPort: ready.dnsPort, zoneId: zone.id });
      return true;
    },
    readyTimeoutMs: 30_000,
  },

  pebble: {
    portKeys: ['pebble', 'pebbleManagement'],
    applyPorts(state, { pebble, pebbleManagement }) {
      if (pebble) state.pebble.directoryUrl = `https://${HOST}:${pebble}/dir`;
      if (pebbleManagement) state.pebble.managementUrl = `https://${HOST}:${pebbleManagement}`;
    },
    async prepare(state) {
      const dir = path.join(state.dataDir, 'pebble');
      const { certPath, keyPath } = await ensurePebbleCertificates(dir);
      // Pebble only dials these ports for HTTP-01 and TLS-ALPN-01, which we do
      // not use: unused ports make such a validation fail at once.
      const [httpPort, tlsPort] = [await freePort(), await freePort()];
      const configPath = path.join(dir, 'pebble-config.json');
      const config = {
        pebble: {
          listenAddress: new URL(state.pebble.directoryUrl).host,
          managementListenAddress: new URL(state.pebble.managementUrl).host,
          certificate: certPath,
          privateKey: keyPath,
          httpPort,
          tlsPort,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
        },
      };
      await fsp.writeFile(configPath, JSON.stringify(config, null, 2) + '\n');
      // Without the emulator nothing answers DNS-01 lookups: a closed port makes them fail fast.
      const dnsPort = state.emulator ? state.emulator.dnsPort : await freePort({ udp: true });
      /** @type {NodeJS.ProcessEnv} */
      const env = { ...process.env, PEBBLE_VA_NOSLEEP: '1' };
      // Validation must really happen, and clients must cope with Pebble's default share of bad nonces.
      delete env.PEBBLE_VA_ALWAYS_VALID;
      delete env.PEBBLE_WFE_NONCEREJECT;
      return {
        command: BIN.pebble,
        args: ['-config', configPath, '-dnsserver', `${HOST}:${dnsPort}`],
        env,
      };
    },
    async isReady(state) {
      const ca = await fsp.readFile(state.pebble.caCertPath);
      return (await httpsStatus(state.pebble.directoryUrl, ca)) === 200;
    },
    readyTimeoutMs: 20_000,
  },

  maildev: {
    portKeys: ['smtp', 'mailWeb'],
    applyPorts(state, { smtp, mailWeb }) {
      if (!state.mail) return;
      if (smtp) state.mail.smtpUrl = `smtp://${HOST}:${smtp}`;
      if (mailWeb) state.mail.webUrl = `http://${HOST}:${mailWeb}`;
    },
    async prepare(state) {
      const mail = /** @type {NonNullable<StackState['mail']>} */ (state.mail);
      assertMailDevInstalled(mail.script);
      // prettier-ignore
      const args = [
        mail.script,
        '--ip', HOST,
        '--smtp', new URL(mail.smtpUrl).port,
        '--web-ip', HOST,
        '--web', new URL(mail.webUrl).port,
      ];
      return { command: process.execPath, args };
    },
    async isReady(state) {
      const mail = /** @type {NonNullable<StackState['mail']>} */ (state.mail);
      return (await httpStatus(`${mail.webUrl}/api/healthz`)) === 200;
    },
    readyTimeoutMs: 20_000,
  },

  devIdp: {
    portKeys: ['devIdp'],
    applyPorts(state, { devIdp }) {
      if (!state.devIdp || !devIdp) return;
      state.devIdp.issuer = `http://${HOST}:${devIdp}`;
      state.devIdp.jwksUrl = `${state.devIdp.issuer}/jwks`;
    },
    async prepare(state) {
      const idp = /** @type {NonNullable<StackState['devIdp']>} */ (state.devIdp);
      assertBuilt(idp.script, 'dev-idp');
      // prettier-ignore
      const args = [
        idp.script,
        '--host', HOST,
        '--port', new URL(idp.issuer).port,
        '--data-dir', path.join(state.dataDir, 'dev-idp'),
        '--web-origin', state.web.origin,
      ];
      return { command: process.execPath, args };
    },
    async isReady(state, output) {
      const ready = (await output())
        .split('\n')
        .map(parseJsonLine)
        .find((event) => event?.event === 'ready');
      if (!ready) return false;
      const idp = /** @type {NonNullable<StackState['devIdp']>} */ (state.devIdp);
      const { issuer, clientId, audience, jwksUrl, signingKeyFile, users } = ready;
      Object.assign(idp, { issuer, clientId, audience, jwksUrl, signingKeyFile, users });
      return true;
    },
    readyTimeoutMs: 20_000,
  },
};

const PORT_KEYS = [
  ...SERVICE_NAMES.flatMap((name) => SERVICES[name].portKeys),
  ...RESERVED_PORT_KEYS,
];

class ServiceStartError extends Error {
  /**
   * @param {ServiceName} name
   * @param {unknown} cause
   * @param {string} logPath
   * @param {string} logTail
   */
  constructor(name, cause, logPath, logTail) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `${name} failed to start: ${reason}\n--- last lines of ${logPath} ---\n${logTail || '(empty)'}`,
      { cause },
    );
    this.addressInUse = /address already in use|EADDRINUSE/i.test(logTail);
  }
}

/**
 * Starts the whole stack and writes <dataDir>/stack.json.
 *
 * With `ports: 'free'` every service gets a free loopback port and the data
 * directory starts empty (tests); with fixed ports (`'fixed'` for DEV_PORTS)
 * an existing data directory is reused, so the dev database survives restarts.
 *
 * @param {object} options
 * @param {string} options.dataDir
 * @param {'free' | 'fixed' | Ports} options.ports
 * @param {EmulatorOptions | false} [options.emulator]  false starts no emulator (only while it is not built)
 * @param {DevIdpOptions | false} [options.devIdp]  false starts no OpenID provider (apps then use a shared secret)
 * @param {MailOptions | false} [options.mail]  false starts no MailDev
 * @param {string} options.rootDomain  the hosted zone the emulator creates
 * @param {boolean} [options.redisCluster]  also start a Redis Cluster on free ports (REDIS_CLUSTER=true)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<StackState>}
 */
export async function startStack({
  dataDir,
  ports,
  emulator = {},
  devIdp = {},
  mail = {},
  rootDomain,
  redisCluster = false,
  log = ignore,
}) {
  const fixedPorts = ports === 'free' ? null : ports === 'fixed' ? DEV_PORTS : ports;
  if (fixedPorts && !PORT_KEYS.every((key) => Number.isInteger(fixedPorts[key]))) {
    throw new TypeError(
      `ports must be 'free', 'fixed' or a port for each of ${PORT_KEYS.join(', ')}`,
    );
  }
  const dir = path.resolve(dataDir);
  const previous = await loadState(dir).catch(() => null);
  if (previous) assertStopped(previous);
  if (fixedPorts) await assertPortsFree(fixedPorts);

  const state = createState({
    dataDir: dir,
    ports: fixedPorts ?? (await pickFreePorts(PORT_KEYS)),
    password: fixedPorts ? DEV_MYSQL_PASSWORD : randomBytes(12).toString('hex'),
    emulator,
    devIdp,
    mail,
    rootDomain,
  });
  if (state.emulator) assertEmulatorBuilt(state.emulator.script);
  if (state.devIdp) assertBuilt(state.devIdp.script, 'dev-idp');
  await prepareDataDir(dir, { wipe: !fixedPorts, isStackDir: Boolean(previous) });
  await saveState(state);

  try {
    for (const name of SERVICE_NAMES) {
      if (isSkipped(state, name)) {
        log(`${name}: skipped`);
        continue;
      }
      await startWithRetries(state, name, { freePorts: !fixedPorts, log });
    }
    if (redisCluster) {
      state.redisCluster = await startRedisCluster({ dataDir: dir, log });
      await saveState(state);
    }
  } catch (error) {
    // The start failure is the error worth reporting; stopping is best effort.
    await stopStack(state).catch(ignore);
    throw error;
  }
  return state;
}

/**
 * Stops every service of the stack, in reverse start order, by recorded pid.
 * @param {StackState} state
 * @param {{ removeData?: boolean }} [options]  removeData deletes the data directory afterwards
 */
export async function stopStack(state, { removeData = false } = {}) {
  const failures = [];
  if (state.redisCluster) {
    await stopRedisCluster(state.redisCluster).catch((error) => failures.push(error));
    await saveState(state).catch(ignore);
  }
  for (const name of [...SERVICE_NAMES].reverse()) {
    try {
      await stopService(state, name);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length)
    throw new AggregateError(failures, `could not stop the stack in ${state.dataDir}`);
  if (removeData) await fsp.rm(state.dataDir, { recursive: true, force: true });
}

/**
 * Starts one service on the ports and data already in `state`.
 * @param {StackState} state
 * @param {ServiceName} name
 */
export async function startService(state, name) {
  const service = SERVICES[name];
  if (name === 'emulator' && !state.emulator)
    throw new Error('this stack was started without the emulator');
  if (name === 'devIdp' && !state.devIdp)
    throw new Error('this stack was started without the dev-idp');
  if (name === 'maildev' && !state.mail) throw new Error('this stack was started without MailDev');
  if (isServiceRunning(state, name))
    throw new Error(`${name} is already running (pid ${state.pids[name]})`);

  const logPath = logPathOf(state, name);
  const logOffset = await fileSize(logPath);
  const { command, args, env } = await service.prepare(state);
  const child = await launch(command, args, { logPath, env, cwd: state.dataDir });
  try {
    await waitFor(
      async () => {
        if (child.exit) throw new Error(`the process exited (${child.exit})`);
        return service.isReady(state, () => readFrom(logPath, logOffset));
      },
      { timeoutMs: service.readyTimeoutMs, what: `${name} to become ready` },
    );
    await service.afterReady?.(state);
  } catch (error) {
    signalGroup(child.pid, 'SIGKILL');
    await Promise.race([child.exited, sleep(5_000)]);
    throw new ServiceStartError(name, error, logPath, await logTail(logPath, logOffset));
  }
  state.pids[name] = child.pid;
  await saveState(state);
}

/**
 * Stops one service: SIGTERM (or SIGKILL with `kill`), escalating to SIGKILL
 * after 10 s. Does nothing if the recorded process is gone.
 * @param {StackState} state
 * @param {ServiceName} name
 * @param {{ kill?: boolean }} [options]
 */
export async function stopService(state, name, { kill = false } = {}) {
  const pid = state.pids[name];
  if (pid && isServiceRunning(state, name)) await terminate(pid, kill ? 'SIGKILL' : 'SIGTERM');
  state.pids[name] = null;
  await saveState(state);
}

/**
 * Stops a service and starts it again on the same port and data.
 * @param {StackState} state
 * @param {ServiceName} name
 * @param {{ kill?: boolean }} [options]  kill: SIGKILL instead of a clean shutdown
 */
export async function restartService(state, name, options = {}) {
  await stopService(state, name, options);
  await startService(state, name);
}

/**
 * Whether the recorded pid of `name` is alive and is still the process we
 * started: its stdout goes to a log in the data directory. This guards
 * against a stale stack.json whose pids now belong to someone else.
 * @param {StackState} state
 * @param {ServiceName} name
 */
export function isServiceRunning(state, name) {
  const pid = state.pids[name];
  if (!pid || !isAlive(pid)) return false;
  try {
    return fs
      .readlinkSync(`/proc/${pid}/fd/1`)
      .startsWith(fs.realpathSync(state.dataDir) + path.sep);
  } catch {
    return false;
  }
}

/**
 * @param {string} dataDir
 * @returns {Promise<StackState>}
 */
export async function loadState(dataDir) {
  return JSON.parse(await fsp.readFile(path.join(path.resolve(dataDir), STATE_FILE), 'utf8'));
}

/**
 * A port that was free on 127.0.0.1 a moment ago (TCP, and UDP too with `udp`).
 * @param {{ udp?: boolean }} [options]
 * @returns {Promise<number>}
 */
export async function freePort({ udp = false } = {}) {
  for (;;) {
    const port = await probeTcp(0);
    if (port !== null && (!udp || (await probeUdp(port)))) return port;
  }
}

/**
 * Polls `fn` until it returns something truthy, and returns that. An exception
 * from `fn` ends the wait at once.
 * @template T
 * @param {() => Promise<T> | T} fn
 * @param {{ timeoutMs?: number, what?: string, intervalMs?: number }} [options]
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(
  fn,
  { timeoutMs = 10_000, what = 'a condition', intervalMs = 100 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// --- state and data directory ---------------------------------------------

/**
 * Whether the stack was started without this service.
 * @param {StackState} state
 * @param {ServiceName} name
 */
function isSkipped(state, name) {
  return (
    (name === 'emulator' && !state.emulator) ||
    (name === 'devIdp' && !state.devIdp) ||
    (name === 'maildev' && !state.mail)
  );
}

/**
 * @param {{ dataDir: string, ports: Ports, password: string, emulator: EmulatorOptions | false, devIdp: DevIdpOptions | false, mail: MailOptions | false, rootDomain: string }} options
 * @returns {StackState}
 */
function createState({ dataDir, ports, password, emulator, devIdp, mail, rootDomain }) {
  const { script, ...tuning } = emulator || {};
  const socket = path.join(dataDir, 'mysqld.sock');
  if (socket.length > MAX_SOCKET_PATH)
    throw new Error(`data directory path too long for a Unix socket: ${socket}`);
  /** @type {StackState} */
  const state = {
    dataDir,
    pids: { redis: null, mariadb: null, pebble: null, emulator: null, maildev: null, devIdp: null },
    redis: { host: HOST, port: 0, url: '' },
    mysql: { host: HOST, port: 0, socket, user: MYSQL_USER, password, database: MYSQL_DATABASE },
    pebble: {
      directoryUrl: '',
      managementUrl: '',
      caCertPath: path.join(dataDir, 'pebble', 'ca.pem'),
    },
    emulator: emulator
      ? {
          apiUrl: '',
          dnsPort: 0,
          zoneId: null,
          rootDomain,
          script: path.resolve(script ?? DEFAULT_EMULATOR_SCRIPT),
          ...tuning,
        }
      : null,
    mail: mail
      ? {
          smtpUrl: '',
          webUrl: '',
          script: path.resolve(mail.script ?? DEFAULT_MAILDEV_SCRIPT),
        }
      : null,
    devIdp: devIdp
      ? {
          issuer: '',
          clientId: '',
          audience: '',
          jwksUrl: '',
          signingKeyFile: '',
          users: [],
          script: path.resolve(devIdp.script ?? DEFAULT_DEV_IDP_SCRIPT),
        }
      : null,
    web: { origin: `http://${HOST}:${ports.web}`, port: ports.web },
    redisCluster: null,
    startedAt: new Date().toISOString(),
  };
  for (const name of SERVICE_NAMES) SERVICES[name].applyPorts(state, ports);
  return state;
}

/**
 * Refuses to start over a stack that is still running: its data would be
 * wiped or shared, and its ports are taken.
 * @param {StackState} previous
 */
function assertStopped(previous) {
  const running = SERVICE_NAMES.filter((name) => isServiceRunning(previous, name));
  if (running.length) {
    throw new Error(
      `a stack is already running in ${previous.dataDir} (${running.map((name) => `${name} pid ${previous.pids[name]}`).join(', ')}); ` +
        `stop it with \`node tools/stack/cli.mjs down --data-dir ${previous.dataDir}\``,
    );
  }
}

/**
 * @param {string} dataDir
 * @param {{ wipe: boolean, isStackDir: boolean }} options  only a previous stack's directory is ever wiped
 */
async function prepareDataDir(dataDir, { wipe, isStackDir }) {
  if (wipe && fs.existsSync(dataDir)) {
    if (!isStackDir && fs.readdirSync(dataDir).length)
      throw new Error(`refusing to wipe ${dataDir}: it holds no ${STATE_FILE}`);
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
  // 0700: the directory holds the CA key, the socket of a password-less MariaDB root and stack.json's password.
  await fsp.mkdir(dataDir, { recursive: true });
  await fsp.chmod(dataDir, 0o700);
}

/** @param {StackState} state */
async function saveState(state) {
  const file = path.join(state.dataDir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await fsp.rename(tmp, file);
}

/**
 * @param {StackState} state
 * @param {ServiceName} name
 */
function logPathOf(state, name) {
  return path.join(state.dataDir, `${name}.log`);
}

// --- ports -------------------------------------------------------------------

/**
 * Free ports can be taken by someone else before our service binds them, so a
 * service that finds its port in use gets new ones, a few times.
 * @param {StackState} state
 * @param {ServiceName} name
 * @param {{ freePorts: boolean, log: (line: string) => void }} options
 */
async function startWithRetries(state, name, { freePorts, log }) {
  const maxAttempts = freePorts ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      await startService(state, name);
      log(`${name}: ready (${Date.now() - started} ms)`);
      return;
    } catch (error) {
      if (!(error instanceof ServiceStartError && error.addressInUse && attempt < maxAttempts))
        throw error;
      log(`${name}: port taken meanwhile, retrying on another`);
      SERVICES[name].applyPorts(state, await pickFreePorts(SERVICES[name].portKeys));
    }
  }
}

/**
 * @param {(keyof Ports)[]} keys
 * @returns {Promise<Ports>}
 */
async function pickFreePorts(keys) {
  /** @type {Partial<Ports>} */
  const ports = {};
  const taken = new Set();
  for (const key of keys) {
    let port;
    do port = await freePort({ udp: key === 'emulatorDns' });
    while (taken.has(port));
    taken.add(port);
    ports[key] = port;
  }
  return /** @type {Ports} */ (ports);
}

/** @param {Ports} ports */
async function assertPortsFree(ports) {
  const busy = [];
  for (const [key, port] of Object.entries(ports)) {
    const free =
      (await probeTcp(port)) !== null && (key !== 'emulatorDns' || (await probeUdp(port)));
    if (!free) busy.push(`${port} (${key})`);
  }
  if (busy.length) {
    throw new Error(
      `ports already in use on ${HOST}: ${busy.join(', ')}. Another stack, or another program, is using them.`,
    );
  }
}

/**
 * @param {number} port  0 for any
 * @returns {Promise<number | null>}  the port bound, or null if it was taken
 */
function probeTcp(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: HOST, port, exclusive: true }, () => {
      const { port: bound } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(bound));
    });
  });
}

/**
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function probeUdp(port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
}

/**
 * @param {string} script
 * @param {string} project
 */
function assertBuilt(script, project) {
  if (!fs.existsSync(script)) {
    throw new Error(
      `${project} is not built (${script} is missing): run \`npx nx build ${project}\` first`,
    );
  }
}

/** @param {string} script */
function assertMailDevInstalled(script) {
  if (!fs.existsSync(script))
    throw new Error(`MailDev is not installed (${script} is missing): run \`npm ci\` first`);
}

/** @param {string} script */
function assertEmulatorBuilt(script) {
  if (!fs.existsSync(script)) {
    throw new Error(
      `the Route 53 emulator is not built (${script} is missing): run \`npx nx build route53-emulator\` first`,
    );
  }
}

// --- processes -----------------------------------------------------------------

/**
 * Spawns a detached process group leader whose stdout and stderr append to `logPath`.
 * @param {string} command
 * @param {string[]} args
 * @param {{ logPath: string, env?: NodeJS.ProcessEnv, cwd: string }} options
 */
export async function launch(command, args, { logPath, env, cwd }) {
  const out = fs.openSync(logPath, 'a');
  try {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
    const launched = {
      pid: 0,
      /** @type {string | null} */
      exit: null,
      /** @type {Promise<void>} */
      exited: new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          launched.exit = signal ? `signal ${signal}` : `exit code ${code}`;
          resolve();
        }),
      ),
    };
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    launched.pid = /** @type {number} */ (child.pid);
    return launched;
  } finally {
    fs.closeSync(out);
  }
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
export async function terminate(pid, signal) {
  signalGroup(pid, signal);
  const gone = () => !isAlive(pid);
  try {
    await waitFor(gone, { timeoutMs: STOP_TIMEOUT_MS, what: `pid ${pid} to exit`, intervalMs: 50 });
  } catch {
    signalGroup(pid, 'SIGKILL');
    await waitFor(gone, {
      timeoutMs: 5_000,
      what: `pid ${pid} to exit after SIGKILL`,
      intervalMs: 50,
    });
  }
}

/**
 * Signals the whole process group, so that nothing a service forked outlives it.
 * @param {number} pid  a group leader, as every service is spawned detached
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ESRCH') throw error;
  }
}

/**
 * A zombie is dead unless it is our own child: Node reaps those in a moment,
 * and until then the pid is still taken. Orphans may never be reaped where
 * PID 1 is not an init.
 * @param {number} pid
 */
function isAlive(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The command name in parentheses may itself contain spaces and parentheses.
  const [processState, parentPid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return processState !== 'Z' || Number(parentPid) === process.pid;
}

// --- logs ------------------------------------------------------------------------

/** @param {string} file */
async function fileSize(file) {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * @param {string} file
 * @param {number} offset
 */
async function readFrom(file, offset) {
  const handle = await fsp.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The last lines logged since `offset`.
 * @param {string} file
 * @param {number} offset
 */
async function logTail(file, offset) {
  const start = Math.max(offset, (await fileSize(file)) - 8_192);
  const text = await readFrom(file, start).catch(() => '');
  return text.trimEnd().split('\n').slice(-25).join('\n');
}

/** @param {string} line */
function parseJsonLine(line) {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

// --- Redis --------------------------------------------------------------------------

/**
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function redisPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    let reply = '';
    /** @param {boolean} ok */
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

// --- MariaDB ------------------------------------------------------------------------

/**
 * Shared by mariadb-install-db and mariadbd. Kept small: test runs start
 * several servers on two cores.
 * @param {StackState} state
 */
function mariadbOptions(state) {
  return [
    // At startup mariadbd deletes every #sql* file in its tmpdir, other servers' temporary tables included.
    `--tmpdir=${path.join(state.dataDir, 'tmp')}`,
    // mariadbd refuses to run as root unless told to; other users run as themselves.
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=64M',
    '--innodb-log-file-size=32M',
    // Survives a killed server, not a power cut: chaos tests kill processes, not machines.
    '--innodb-flush-log-at-trx-commit=2',
    // MariaDB 10.11 defaults to latin1; MySQL 8 in docker-compose uses utf8mb4.
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
  ];
}

/**
 * Initialises into a temporary directory and renames it into place, so an
 * interrupted initialisation is never mistaken for a usable data directory.
 * @param {StackState} state
 * @param {string} datadir
 */
async function initMariadb(state, datadir) {
  const staging = `${datadir}.init`;
  await fsp.rm(staging, { recursive: true, force: true });
  const logPath = logPathOf(state, 'mariadb');
  const out = fs.openSync(logPath, 'a');
  try {
    const args = [
      '--no-defaults',
      `--datadir=${staging}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...mariadbOptions(state),
    ];
    await new Promise((resolve, reject) => {
      const child = spawn(BIN.mariadbInstallDb, args, {
        cwd: state.dataDir,
        stdio: ['ignore', out, out],
      });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0
          ? resolve(undefined)
          : reject(new Error(`mariadb-install-db exited with code ${code}, see ${logPath}`)),
      );
    });
  } finally {
    fs.closeSync(out);
  }
  await fsp.rename(staging, datadir);
}

/**
 * Idempotent, so it runs on every start: the app user may create and drop
 * `starchart_*` databases for tests. Root keeps only its socket login, which
 * the 0700 data directory protects; the TCP port admits the app user alone.
 * An existing user is altered, never re-created: apps reconnect as soon as a
 * restarted server answers, and a dropped user would refuse them meanwhile.
 * @param {StackState} state
 */
async function provisionMariadb(state) {
  const { database, user, password } = state.mysql;
  // TCP clients arrive as 127.0.0.1 (no name resolution), socket clients as localhost.
  const accounts = ['127.0.0.1', 'localhost'].map((host) => `'${user}'@'${host}'`);
  const sql = [
    `DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'${os.hostname()}'`,
    `CREATE DATABASE IF NOT EXISTS \`${database}\``,
    `CREATE USER IF NOT EXISTS ${accounts.map((account) => `${account} IDENTIFIED BY '${password}'`).join(', ')}`,
    `ALTER USER ${accounts.map((account) => `${account} IDENTIFIED BY '${password}'`).join(', ')}`,
    `GRANT ALL PRIVILEGES ON \`${database}\`.* TO ${accounts.join(', ')}`,
    // In a grant, _ is a wildcard too: \\_ keeps the pattern to starchart_<anything>.
    `GRANT ALL PRIVILEGES ON \`${database}\\_%\`.* TO ${accounts.join(', ')}`,
  ];
  const root = ['--no-defaults', `--socket=${state.mysql.socket}`, '--user=root'];
  await execFileAsync(BIN.mariadb, [...root, '--batch', '-e', sql.join(';\n')], {
    timeout: 15_000,
  });
}

// --- Pebble ------------------------------------------------------------------------------

/**
 * A CA of our own and a certificate for Pebble's listeners, kept across
 * restarts so that clients which loaded the CA keep trusting Pebble.
 * @param {string} dir
 */
async function ensurePebbleCertificates(dir) {
  const caKeyPath = path.join(dir, 'ca.key');
  const caCertPath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  if (fs.existsSync(certPath)) return { certPath, keyPath };

  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  // prettier-ignore
  await execFileAsync(BIN.openssl, [
    'req', '-x509', ...newKey, '-keyout', caKeyPath, '-out', caCertPath, '-days', '3650',
    '-subj', '/CN=Starchart local stack CA (Pebble listener)',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  // prettier-ignore
  await execFileAsync(BIN.openssl, [
    'req', '-x509', ...newKey, '-keyout', keyPath, '-out', certPath, '-days', '825',
    '-CA', caCertPath, '-CAkey', caKeyPath,
    '-subj', '/CN=localhost',
    '-addext', `subjectAltName=DNS:localhost,IP:${HOST}`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  return { certPath, keyPath };
}

/**
 * @param {string} url
 * @param {Buffer} ca
 * @returns {Promise<number | null>}  null when nothing answered
 */
function httpsStatus(url, ca) {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? null);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}

/**
 * The status of a plain GET, or null when nothing answered within 2 s.
 * @param {string} url
 * @returns {Promise<number | null>}
 */
function httpStatus(url) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? null);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}

// --- small helpers ---------------------------------------------------------------------------

/**
 * @param {string} a
 * @param {string} b
 */
function sameDomain(a, b) {
  const normalise = (/** @type {string} */ name) => name.toLowerCase().replace(/\.$/, '');
  return normalise(a) === normalise(b);
}

function ignore() {
  // Nothing to do: the default logger, and the outcome of best-effort cleanup.
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
