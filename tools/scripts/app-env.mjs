// The environment the apps get from a running local stack (npm start, benchmarks).
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The published development HS256 secret, for stacks started without the dev-idp (benchmarks).
 * The api refuses it unless NODE_ENV is development or test.
 */
export const DEV_JWT_SECRET = 'starchart-development-secret-change-me-0123456789';

/**
 * Node options per app, the same as docker-compose.yml gives each service. The api gets a heap
 * budget: its live heap stays near 60 MB under load, but on a large host V8 lets the garbage of
 * busy request handling pile up to about four times that before a full collection (RSS 340 MB
 * for 10,000 POSTs against 170 MB with the budget, at the same throughput). Raise it for an api
 * that holds many thousands of open event streams.
 */
export const APP_NODE_OPTIONS = { api: '--max-old-space-size=256', worker: '', board: '' };

/**
 * What one app gets on top of the shared environment in `npm start`: the worker serves /metrics
 * and /health on loopback port 3005 (the api serves /metrics on its own port).
 */
export const APP_OWN_ENV = { api: {}, worker: { METRICS_PORT: '3005' }, board: {} };

/** NODE_OPTIONS for one app: the caller's own options, then the app's. */
export function nodeOptionsFor(app, inherited = '') {
  return [inherited, APP_NODE_OPTIONS[app] ?? ''].filter(Boolean).join(' ');
}

/** scrypt hash in the format apps/board expects: scrypt$N$r$p$salt$hash (base64). */
export function hashPassword(password) {
  const [N, r, p] = [16384, 8, 1];
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** A board password generated once per data dir, so that it never sits in the repository. */
export function boardCredentials(dataDir) {
  const file = join(dataDir, 'board-password');
  if (!existsSync(file))
    writeFileSync(file, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
  const password = readFileSync(file, 'utf8').trim();
  return { username: 'admin', password, file };
}

/** A certificate key encryption key generated once per data dir, like the board password. */
export function certEncryptionKey(dataDir) {
  const file = join(dataDir, 'cert-encryption-key');
  if (!existsSync(file))
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export function appEnv(stack, { apiPort = 3000, boardPort = 3002, board } = {}) {
  const { mysql, redis, emulator, pebble } = stack;
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'log',
    // A stack started with a Redis Cluster (`npm start -- --redis-cluster`) puts the apps on it.
    ...(stack.redisCluster
      ? {
          REDIS_URL: stack.redisCluster.url,
          REDIS_CLUSTER: 'true',
          REDIS_CLUSTER_NODES: stack.redisCluster.nodes
            .map((/** @type {{ port: number }} */ node) => `127.0.0.1:${node.port}`)
            .join(','),
        }
      : { REDIS_URL: redis.url }),
    QUEUE_PREFIX: '{starchart}',
    DATABASE_URL: `mysql://${encodeURIComponent(mysql.user)}:${encodeURIComponent(mysql.password)}@${mysql.host}:${mysql.port}/${mysql.database}`,
    ROOT_DOMAIN: emulator.rootDomain,
    AWS_ENDPOINT_URL_ROUTE_53: emulator.apiUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ROUTE53_HOSTED_ZONE_ID: emulator.zoneId,
    // The stack's OpenID provider signs people in, as a real one would in production.
    ...(stack.devIdp
      ? {
          JWT_JWKS_URL: stack.devIdp.jwksUrl,
          JWT_ISSUER: stack.devIdp.issuer,
          JWT_AUDIENCE: stack.devIdp.audience,
        }
      : { JWT_SECRET: DEV_JWT_SECRET }),
    WEB_ORIGINS: stack.web.origin,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    BOARD_HOST: '127.0.0.1',
    BOARD_PORT: String(boardPort),
    ACME_DIRECTORY_URL: pebble.directoryUrl,
    ACME_CA_CERT_PATH: pebble.caCertPath,
    ACME_DNS_CHECK_SERVER: `127.0.0.1:${emulator.dnsPort}`,
    CERT_ENCRYPTION_KEY: certEncryptionKey(stack.dataDir),
    // Mail goes to the stack's MailDev; its links point at the web portal.
    ...(stack.mail
      ? {
          SMTP_URL: stack.mail.smtpUrl,
          MAIL_FROM: 'Starchart <starchart@starchart.localhost>',
          WEB_URL: stack.web.origin,
        }
      : {}),
  };
  if (board) {
    env.BOARD_USERNAME = board.username;
    env.BOARD_PASSWORD_HASH = hashPassword(board.password);
  }
  return env;
}
