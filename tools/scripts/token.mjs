#!/usr/bin/env node
// @ts-check
/**
 * Prints a bearer token for the api.
 *
 *   npm run token -- <username> [--admin] [--ttl 1h]
 *
 * With JWT_SECRET in the environment or in .env, the token is signed HS256 with it (JWT_ISSUER
 * and JWT_AUDIENCE honoured the same way). Otherwise it is signed with the key of the dev-idp of
 * the running `npm start` stack (or of the stack in STARCHART_STACK_FILE), with its issuer and
 * audience: the api that `npm start` runs accepts it like a token from the sign-in page.
 */
import { importJWK, SignJWT } from 'jose';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE = 'usage: npm run token -- <username> [--admin] [--ttl 1h]';
// The api's rule: the username becomes a DNS label.
const USERNAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const TTL =
  /^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/;

/** KEY=VALUE lines of a dotenv file; quotes around a value are removed. */
function readDotEnv(file) {
  if (!existsSync(file)) return {};
  /** @type {Record<string, string>} */
  const values = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const [, key, raw] = match;
    if (key === undefined || raw === undefined) continue;
    values[key] = raw.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** @param {string[]} argv */
async function main(argv) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      admin: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [username] = positionals;
  if (positionals.length !== 1 || username === undefined) {
    console.error(USAGE);
    return 2;
  }
  if (!USERNAME.test(username)) {
    console.error(
      `"${username}" is not a valid username: 1-32 characters a-z, 0-9 and "-", not starting or ending with "-"`,
    );
    return 2;
  }
  if (!TTL.test(values.ttl)) {
    console.error(`--ttl must be a duration such as 30m, 1h or 7d, not "${values.ttl}"`);
    return 2;
  }

  const dotEnv = readDotEnv(path.join(REPO_ROOT, '.env'));
  /** @param {string} name */
  const setting = (name) => process.env[name] || dotEnv[name] || undefined;
  const roles = values.admin ? ['admin'] : [];
  const secret = setting('JWT_SECRET');
  if (secret !== undefined) {
    if (Buffer.byteLength(secret) < 32) {
      console.error('JWT_SECRET must be at least 32 bytes long, as the api requires');
      return 1;
    }
    const issuer = setting('JWT_ISSUER');
    const audience = setting('JWT_AUDIENCE');
    let jwt = new SignJWT({ roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(username)
      .setIssuedAt()
      .setExpirationTime(values.ttl);
    if (issuer) jwt = jwt.setIssuer(issuer);
    if (audience) jwt = jwt.setAudience(audience);
    console.log(await jwt.sign(new TextEncoder().encode(secret)));
    return 0;
  }

  const stackFile =
    process.env.STARCHART_STACK_FILE ?? path.join(REPO_ROOT, '.var', 'dev', 'stack.json');
  const idp = existsSync(stackFile) ? JSON.parse(readFileSync(stackFile, 'utf8')).devIdp : null;
  if (!idp?.signingKeyFile || !existsSync(idp.signingKeyFile)) {
    console.error(
      `no JWT_SECRET and no dev-idp key (looked for ${stackFile}): start \`npm start\` first, or set JWT_SECRET`,
    );
    return 1;
  }
  const jwk = JSON.parse(readFileSync(idp.signingKeyFile, 'utf8'));
  const user = idp.users.find((/** @type {{ username: string }} */ u) => u.username === username);
  const jwt = new SignJWT({ roles, ...(user && { email: user.email }) })
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: 'at+jwt' })
    .setSubject(username)
    .setIssuer(idp.issuer)
    .setAudience(idp.audience)
    .setIssuedAt()
    .setExpirationTime(values.ttl);
  console.log(await jwt.sign(await importJWK(jwk, jwk.alg)));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
