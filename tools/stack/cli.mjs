#!/usr/bin/env node
// @ts-check
/**
 * Starts, stops and shows a local stack from a shell. `up --dev` (the default)
 * uses the fixed dev ports and keeps its data in .var/dev across restarts;
 * `up --test` uses free ports and a fresh .var/test-<pid>. The services keep
 * running after `up` returns, until `down`. `--redis-cluster` also starts a Redis Cluster
 * (3 masters, 3 replicas, free ports) for REDIS_URL with REDIS_CLUSTER=true.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isNodeRunning } from './redis-cluster.mjs';
import {
  REPO_ROOT,
  SERVICE_NAMES,
  isServiceRunning,
  loadState,
  startStack,
  stopStack,
} from './stack.mjs';

const USAGE = `usage:
  node tools/stack/cli.mjs up [--dev|--test] [--data-dir DIR] [--root-domain NAME]
                              [--insync-delay-ms N] [--rps N] [--burst N] [--redis-cluster]
  node tools/stack/cli.mjs down [--data-dir DIR] [--remove-data]
  node tools/stack/cli.mjs status [--data-dir DIR]`;

// The root domains `npm start` and `npm test` use, so that a stack started here can stand in for theirs.
const ROOT_DOMAIN = { dev: 'starchart.localhost', test: 'starchart.test' };

/** @typedef {import('./stack.mjs').StackState} StackState */

/** @param {string[]} argv */
async function main(argv) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dev: { type: 'boolean' },
      test: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'root-domain': { type: 'string' },
      'insync-delay-ms': { type: 'string' },
      rps: { type: 'string' },
      burst: { type: 'string' },
      'redis-cluster': { type: 'boolean' },
      'remove-data': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.dev && values.test) throw new Error('choose one of --dev and --test');
  const mode = values.test ? 'test' : 'dev';
  const dataDir = path.resolve(
    values['data-dir'] ??
      path.join(REPO_ROOT, '.var', mode === 'test' ? `test-${process.pid}` : 'dev'),
  );

  switch (command) {
    case 'up': {
      const started = Date.now();
      const state = await startStack({
        dataDir,
        ports: mode === 'test' ? 'free' : 'fixed',
        rootDomain: values['root-domain'] ?? ROOT_DOMAIN[mode],
        emulator: {
          insyncDelayMs: optionalInteger(values['insync-delay-ms'], '--insync-delay-ms'),
          rps: optionalInteger(values.rps, '--rps'),
          burst: optionalInteger(values.burst, '--burst'),
        },
        redisCluster: values['redis-cluster'] ?? false,
        log: (line) => console.log(`  ${line}`),
      });
      console.log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      printSummary(state);
      return 0;
    }
    case 'down': {
      const state = await loadState(dataDir).catch(() => null);
      if (!state) {
        console.log(`no stack in ${dataDir}`);
        return 1;
      }
      await stopStack(state, { removeData: values['remove-data'] });
      console.log(`stack in ${dataDir} stopped${values['remove-data'] ? ', data removed' : ''}`);
      return 0;
    }
    case 'status': {
      const state = await loadState(dataDir).catch(() => null);
      if (!state) {
        console.log(`no stack in ${dataDir}`);
        return 1;
      }
      printSummary(state);
      const cluster = state.redisCluster;
      return SERVICE_NAMES.every((name) => !state.pids[name] || isServiceRunning(state, name)) &&
        (!cluster || cluster.nodes.every((node) => isNodeRunning(cluster, node)))
        ? 0
        : 1;
    }
    default:
      console.error(`unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

/**
 * @param {string | undefined} value
 * @param {string} flag
 */
function optionalInteger(value, flag) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${flag} takes a whole number, not ${value}`);
  return Number(value);
}

/** @param {StackState} state */
function printSummary(state) {
  const { redis, mysql, pebble, emulator, mail, devIdp, web } = state;
  /** @type {Record<import('./stack.mjs').ServiceName, string>} */
  const endpoints = {
    redis: redis.url,
    mariadb: `mysql://${mysql.user}:${mysql.password}@${mysql.host}:${mysql.port}/${mysql.database} (socket ${mysql.socket})`,
    emulator: emulator
      ? `${emulator.apiUrl}, DNS ${new URL(emulator.apiUrl).hostname}:${emulator.dnsPort}, zone ${emulator.rootDomain} ${emulator.zoneId}`
      : 'not started',
    pebble: `${pebble.directoryUrl} (management ${pebble.managementUrl}, CA ${pebble.caCertPath})`,
    maildev: mail ? `inbox ${mail.webUrl}, SMTP ${mail.smtpUrl}` : 'not started',
    devIdp: devIdp
      ? `${devIdp.issuer} (client ${devIdp.clientId}, users ${devIdp.users.map((user) => `${user.username}/${user.password}`).join(', ')})`
      : 'not started',
  };
  console.log(`data: ${state.dataDir} (state in stack.json)`);
  for (const name of SERVICE_NAMES) {
    const pid = state.pids[name];
    const status = !pid
      ? 'stopped'
      : isServiceRunning(state, name)
        ? `pid ${pid}`
        : `pid ${pid} NOT RUNNING`;
    console.log(`  ${name.padEnd(9)} ${status.padEnd(20)} ${endpoints[name]}`);
  }
  console.log(
    `  ${'web'.padEnd(9)} ${'reserved'.padEnd(20)} ${web.origin} (not started by the stack)`,
  );
  const cluster = state.redisCluster;
  if (cluster) {
    const running = cluster.nodes.filter((node) => isNodeRunning(cluster, node)).length;
    console.log(
      `  ${'cluster'.padEnd(9)} ${`${running}/${cluster.nodes.length} nodes`.padEnd(20)} ${cluster.url} (REDIS_CLUSTER=true REDIS_CLUSTER_NODES=${cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(',')})`,
    );
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
