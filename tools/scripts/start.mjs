#!/usr/bin/env node
// `npm start`: set up, start the local stack, the api, worker and board and the web portal, print
// their URLs,
// and stop everything on Ctrl-C. `npm start -- --redis-cluster` puts the apps on a local Redis
// Cluster (3 masters, 3 replicas, free ports, fresh at each start) instead of the single Redis.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSetup } from '../stack/setup.mjs';
import { startPrometheus, stopPrometheus } from '../stack/prometheus.mjs';
import { startStack, stopStack } from '../stack/stack.mjs';
import { APP_OWN_ENV, appEnv, boardCredentials, nodeOptionsFor } from './app-env.mjs';
import { onShutdown, repoRoot, step } from './run.mjs';
import { startWebServer, webConfig } from './web-server.mjs';

const WEB_PORT = 3001;

const dataDir = join(repoRoot, '.var', 'dev');
const PROMETHEUS_PORT = 9090;
mkdirSync(dataDir, { recursive: true });

await ensureSetup({ withBrowser: false });
await step('build', 'npx', [
  '--no-install',
  'nx',
  'run-many',
  '-t',
  'build',
  '--projects=api,worker,board,route53-emulator,dev-idp,web',
  '--output-style=stream',
]);

console.log('\n=== starting local services');
const stack = await startStack({
  dataDir,
  ports: 'fixed',
  rootDomain: 'starchart.localhost',
  emulator: { insyncDelayMs: 2000, rps: 5, burst: 5 },
  redisCluster: process.argv.includes('--redis-cluster'),
  log: (line) => console.log(`    ${line}`),
});

const apps = [];
let prometheus;
let web;
async function stopAll() {
  console.log('\nstopping...');
  await Promise.all([...apps.map((child) => stopChild(child)), web?.close()]);
  if (prometheus) await stopPrometheus(prometheus);
  await stopStack(stack, { removeData: false });
  console.log('stopped');
}
onShutdown(stopAll);

const board = boardCredentials(dataDir);
const env = { ...process.env, ...appEnv(stack, { board }) };
try {
  await step('migrations', process.execPath, ['dist/apps/api/main.js', 'migrate'], { env });
} catch (error) {
  await stopStack(stack, { removeData: false });
  throw error;
}

for (const name of ['api', 'worker', 'board']) {
  const child = spawn(process.execPath, [`dist/apps/${name}/main.js`], {
    cwd: repoRoot,
    env: { ...env, ...APP_OWN_ENV[name], NODE_OPTIONS: nodeOptionsFor(name, env.NODE_OPTIONS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!child.stopping)
      console.error(`${prefix}exited (${signal ?? code}); Ctrl-C stops the rest`);
  });
  apps.push(child);
}

// Scrapes the api and the worker (their fixed ports) with the alert rules loaded.
try {
  prometheus = await startPrometheus({
    stackDir: dataDir,
    port: PROMETHEUS_PORT,
    targets: [
      { job: 'starchart-api', target: '127.0.0.1:3000' },
      { job: 'starchart-worker', target: `127.0.0.1:${APP_OWN_ENV.worker.METRICS_PORT}` },
    ],
  });
} catch (error) {
  await stopAll();
  throw error;
}

web = await startWebServer({
  root: join(repoRoot, 'dist', 'apps', 'web'),
  port: WEB_PORT,
  config: webConfig({
    apiUrl: 'http://127.0.0.1:3000',
    issuer: stack.devIdp.issuer,
    boardUrl: 'http://127.0.0.1:3002/queues',
  }),
});

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.stopping = true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

console.log(`
Starchart is starting:
  web      ${web.url}        (start here: sign in as alice)
  api      http://127.0.0.1:3000        (health: /health, OpenAPI: /docs, metrics: /metrics)
  worker   http://127.0.0.1:3005/metrics (health: /health)
  prometheus ${prometheus.url}      (alerts: ${prometheus.url}/alerts)
  board    http://127.0.0.1:3002/queues (user ${board.username}, password in ${board.file})
  route53  ${stack.emulator.apiUrl}        (emulator; DNS on 127.0.0.1:${stack.emulator.dnsPort}, zone ${stack.emulator.rootDomain})
  acme     ${stack.pebble.directoryUrl} (Pebble)
  mail     ${stack.mail.webUrl}        (MailDev inbox: every mail Starchart sends; SMTP ${stack.mail.smtpUrl})
  redis    ${env.REDIS_URL}${stack.redisCluster ? ` (Redis Cluster: ${env.REDIS_CLUSTER_NODES})` : ''}
  mysql    ${env.DATABASE_URL}
  dev-idp  ${stack.devIdp.issuer}        (OpenID provider; the api trusts its tokens, audience ${stack.devIdp.audience})

  sign in: ${stack.devIdp.users.map((user) => `${user.username} / ${user.password}`).join(', ')} (admin has the admin role)
  token:   npm run token -- alice       (signed with the dev-idp's key; --admin for an admin token)
Ctrl-C stops everything.
`);
