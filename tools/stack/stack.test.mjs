// @ts-check
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  BIN,
  DEFAULT_DEV_IDP_SCRIPT,
  DEFAULT_EMULATOR_SCRIPT,
  REPO_ROOT,
  SERVICE_NAMES,
  loadState,
  restartService,
  startStack,
  stopStack,
} from './stack.mjs';

const run = promisify(execFile);
const emulatorBuilt = fs.existsSync(DEFAULT_EMULATOR_SCRIPT);
const skipWithoutEmulator = emulatorBuilt
  ? false
  : `the Route 53 emulator is not built (${DEFAULT_EMULATOR_SCRIPT})`;
const devIdpBuilt = fs.existsSync(DEFAULT_DEV_IDP_SCRIPT);
const skipWithoutDevIdp = devIdpBuilt
  ? false
  : `the dev-idp is not built (${DEFAULT_DEV_IDP_SCRIPT})`;

describe('the local stack', { timeout: 60_000 }, () => {
  /** @type {import('./stack.mjs').StackState} */
  let state;
  /** Every pid the stack ever had, restarts included. */
  const pids = new Set();
  const rememberPids = () => Object.values(state.pids).forEach((pid) => pid && pids.add(pid));

  /** @param {...string} args */
  const redis = async (...args) =>
    (
      await run(BIN.redisCli, ['-h', state.redis.host, '-p', String(state.redis.port), ...args])
    ).stdout.trim();

  after(async () => {
    if (state && Object.values(state.pids).some(Boolean))
      await stopStack(state, { removeData: true });
  });

  it('starts every service on its own free loopback port', async (t) => {
    const started = performance.now();
    state = await startStack({
      dataDir: path.join(REPO_ROOT, '.var', `test-stack-${process.pid}`),
      ports: 'free',
      emulator: emulatorBuilt ? {} : false,
      devIdp: devIdpBuilt ? {} : false,
      rootDomain: 'starchart.test',
    });
    t.diagnostic(`startStack took ${Math.round(performance.now() - started)} ms`);
    if (!emulatorBuilt) t.diagnostic(`started WITHOUT the emulator: ${skipWithoutEmulator}`);
    if (!devIdpBuilt) t.diagnostic(`started WITHOUT the dev-idp: ${skipWithoutDevIdp}`);
    rememberPids();

    const running = SERVICE_NAMES.filter(
      (name) => (name !== 'emulator' || emulatorBuilt) && (name !== 'devIdp' || devIdpBuilt),
    );
    for (const name of running) assert.ok(state.pids[name], `${name} has a pid`);
    // MailDev's inbox answers its REST API, empty.
    const mail = /** @type {NonNullable<typeof state.mail>} */ (state.mail);
    assert.deepEqual(await (await fetch(`${mail.webUrl}/api/email`)).json(), []);
    const ports = [
      state.redis.port,
      state.mysql.port,
      new URL(state.pebble.directoryUrl).port,
      new URL(state.pebble.managementUrl).port,
      ...(state.emulator ? [new URL(state.emulator.apiUrl).port, state.emulator.dnsPort] : []),
      ...(state.devIdp ? [new URL(state.devIdp.issuer).port] : []),
      new URL(mail.smtpUrl).port,
      new URL(mail.webUrl).port,
      state.web.port,
    ].map(Number);
    assert.equal(new Set(ports).size, ports.length, `distinct ports: ${ports}`);
    assert.deepEqual(await loadState(state.dataDir), state);
  });

  it('runs Redis with AOF on and eviction off', async () => {
    assert.equal(await redis('PING'), 'PONG');
    assert.equal(await redis('CONFIG', 'GET', 'appendonly'), 'appendonly\nyes');
    assert.equal(await redis('CONFIG', 'GET', 'maxmemory-policy'), 'maxmemory-policy\nnoeviction');
  });

  it('lets the app user into its database over TCP and create throwaway starchart_* databases', async () => {
    const { host, port, user, password, database } = state.mysql;
    /** @param {string} sql */
    const mysql = async (sql) =>
      (
        await run(BIN.mariadb, [
          '--no-defaults',
          `--host=${host}`,
          `--port=${port}`,
          `--user=${user}`,
          `--password=${password}`,
          '--batch',
          '--skip-column-names',
          '-e',
          sql,
          database,
        ])
      ).stdout.trim();

    assert.equal(await mysql('SELECT DATABASE()'), database);
    assert.equal(await mysql('SELECT @@character_set_server'), 'utf8mb4');
    await mysql(
      'CREATE DATABASE starchart_throwaway; CREATE TABLE starchart_throwaway.t (id INT); DROP DATABASE starchart_throwaway',
    );
    await assert.rejects(mysql('CREATE DATABASE other'), /Access denied/);
  });

  it('serves the ACME directory over HTTPS trusted by the generated CA, and only by it', async () => {
    const ca = fs.readFileSync(state.pebble.caCertPath);
    const directory = JSON.parse(await httpsGet(state.pebble.directoryUrl, ca));
    assert.ok(
      directory.newOrder && directory.newAccount && directory.newNonce,
      JSON.stringify(directory),
    );
    assert.match(await httpsGet(`${state.pebble.managementUrl}/roots/0`, ca), /BEGIN CERTIFICATE/);
    await assert.rejects(
      httpsGet(state.pebble.directoryUrl),
      /self[- ]signed|unable to verify|local issuer/i,
    );
  });

  it('answers DNS on the emulator port', { skip: skipWithoutEmulator }, async () => {
    const emulator = /** @type {NonNullable<typeof state.emulator>} */ (state.emulator);
    assert.match(emulator.zoneId ?? '', /^\/hostedzone\//);
    await run(BIN.dig, [
      '+time=1',
      '+tries=2',
      '-p',
      String(emulator.dnsPort),
      '@127.0.0.1',
      emulator.rootDomain,
      'SOA',
    ]);
  });

  it('keeps Redis data across a restart, clean or killed', async () => {
    await redis('SET', 'survives-sigterm', '1');
    await restartService(state, 'redis');
    rememberPids();
    assert.equal(await redis('GET', 'survives-sigterm'), '1');

    await redis('SET', 'survives-sigkill', '1');
    await restartService(state, 'redis', { kill: true });
    rememberPids();
    assert.equal(await redis('GET', 'survives-sigkill'), '1');
    assert.equal((await loadState(state.dataDir)).pids.redis, state.pids.redis);
  });

  it(
    'runs the dev-idp for the reserved web origin, keeping its key across a restart',
    { skip: skipWithoutDevIdp },
    async () => {
      const idp = /** @type {NonNullable<typeof state.devIdp>} */ (state.devIdp);
      assert.equal(idp.clientId, 'starchart-web');
      assert.equal(idp.audience, 'starchart-api');
      assert.deepEqual(
        idp.users.map((user) => user.username),
        ['alice', 'bob', 'admin'],
      );
      const discovery = await (
        await fetch(`${idp.issuer}/.well-known/openid-configuration`)
      ).json();
      assert.equal(discovery.issuer, idp.issuer);
      const keys = async () =>
        (await (await fetch(idp.jwksUrl)).json()).keys.map(
          (/** @type {{ kid: string }} */ key) => key.kid,
        );
      const before = await keys();
      // The web origin's callback is a registered redirect URI: the login page answers.
      const authorize = new URL(discovery.authorization_endpoint);
      authorize.search = new URLSearchParams({
        client_id: idp.clientId,
        redirect_uri: `${state.web.origin}/auth/callback`,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      assert.equal((await fetch(authorize, { redirect: 'manual' })).status, 303);
      await restartService(state, 'devIdp');
      rememberPids();
      assert.deepEqual(await keys(), before);
    },
  );

  it('brings the emulator back on the same ports', { skip: skipWithoutEmulator }, async () => {
    const { apiUrl, dnsPort } = /** @type {NonNullable<typeof state.emulator>} */ (state.emulator);
    await restartService(state, 'emulator');
    rememberPids();
    assert.equal(state.emulator?.apiUrl, apiUrl);
    assert.equal(state.emulator?.dnsPort, dnsPort);
  });

  it('stops exactly the processes it started and removes its data', async (t) => {
    const started = performance.now();
    await stopStack(state, { removeData: true });
    t.diagnostic(`stopStack took ${Math.round(performance.now() - started)} ms`);
    for (const pid of pids)
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} is gone`);
    assert.equal(fs.existsSync(state.dataDir), false);
  });
});

/**
 * @param {string} url
 * @param {Buffer} [ca]
 * @returns {Promise<string>}
 */
function httpsGet(url, ca) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, timeout: 5_000 }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(body)
            : reject(new Error(`${url}: HTTP ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

describe('the local Redis Cluster (up --redis-cluster)', { timeout: 90_000 }, () => {
  /** @type {import('./stack.mjs').StackState} */
  let state;

  after(async () => {
    if (state) await stopStack(state, { removeData: true });
  });

  it('joins 3 masters and 3 replicas on free ports, and CLUSTER INFO says ok on every node', async (t) => {
    const started = performance.now();
    state = await startStack({
      dataDir: path.join(REPO_ROOT, '.var', `test-cluster-${process.pid}`),
      ports: 'free',
      emulator: false,
      devIdp: false,
      mail: false,
      rootDomain: 'starchart.test',
      redisCluster: true,
    });
    t.diagnostic(`startStack with a cluster took ${Math.round(performance.now() - started)} ms`);
    const cluster = state.redisCluster;
    assert.ok(cluster, 'stack.json records the cluster');
    assert.equal(cluster.nodes.length, 6);
    assert.deepEqual((await loadState(state.dataDir)).redisCluster, cluster);
    const roles = [];
    for (const node of cluster.nodes) {
      const cli = (/** @type {string[]} */ ...args) =>
        run(BIN.redisCli, ['-h', '127.0.0.1', '-p', String(node.port), ...args]);
      const info = (await cli('CLUSTER', 'INFO')).stdout;
      assert.match(info, /^cluster_state:ok\r?$/m);
      assert.match(info, /^cluster_slots_ok:16384\r?$/m);
      assert.match(info, /^cluster_known_nodes:6\r?$/m);
      assert.match((await cli('CONFIG', 'GET', 'cluster-node-timeout')).stdout, /^1000$/m);
      roles.push((await cli('ROLE')).stdout.split('\n')[0]);
    }
    assert.deepEqual(roles.sort(), ['master', 'master', 'master', 'slave', 'slave', 'slave']);
  });

  it('stops every node of the cluster with the stack', async () => {
    assert.ok(state.redisCluster);
    const pids = state.redisCluster.nodes.map((node) => node.pid);
    assert.ok(pids.every((pid) => typeof pid === 'number'));
    await stopStack(state, { removeData: true });
    for (const pid of pids)
      assert.equal(fs.existsSync(`/proc/${pid}`), false, `pid ${pid} is gone`);
    assert.equal(fs.existsSync(state.dataDir), false);
    state = /** @type {any} */ (undefined);
  });
});
