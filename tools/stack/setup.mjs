#!/usr/bin/env node
// @ts-check
/**
 * Installs what is missing on a Debian machine: the system packages the local
 * stack runs on, then the npm dependencies.
 *
 *   node tools/stack/setup.mjs [--with-browser]
 *
 * Node built-ins only: this is what runs `npm ci`. Debian may start its own
 * redis and mariadb services on install; the stack never uses them (own ports,
 * own data), so they are left alone.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROMETHEUS_BIN } from './prometheus.mjs';
import { BIN, REPO_ROOT } from './stack.mjs';

/** Each package with the files whose presence says it is installed. */
const SYSTEM_PACKAGES = [
  { name: 'redis-server', files: [BIN.redisServer] },
  { name: 'mariadb-server', files: [BIN.mariadbd, BIN.mariadbInstallDb] },
  { name: 'pebble', files: [BIN.pebble] },
  { name: 'openssl', files: [BIN.openssl] },
  { name: 'dnsutils', files: [BIN.dig] },
  { name: 'iproute2', files: [BIN.ss] },
  { name: 'haproxy', files: [BIN.haproxy] },
  { name: 'prometheus', files: [PROMETHEUS_BIN.prometheus, PROMETHEUS_BIN.promtool] },
];
const BROWSER_PACKAGE = { name: 'chromium', files: ['/usr/bin/chromium'] };
const LOCK_HASH_FILE = '.starchart-lock-hash';

/**
 * Installs the missing system packages (chromium too with `withBrowser`), then
 * runs `npm ci` in `repoRoot` if node_modules is missing or stale.
 * @param {{ withBrowser?: boolean, repoRoot?: string }} [options]
 */
export async function ensureSetup({ withBrowser = false, repoRoot = REPO_ROOT } = {}) {
  await ensureSystemPackages(withBrowser ? [...SYSTEM_PACKAGES, BROWSER_PACKAGE] : SYSTEM_PACKAGES);
  await ensureNpmDependencies(repoRoot);
}

/** @param {{ name: string, files: string[] }[]} packages */
async function ensureSystemPackages(packages) {
  const missing = missingPackages(packages);
  if (!missing.length) {
    log('system packages present');
    return;
  }
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  const asRoot = rootPrefix();
  if (!asRoot || !fs.existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `missing system packages: ${missing.join(', ')}. Install them as root: apt-get ${install.join(' ')}`,
    );
  }
  log(`installing ${missing.join(', ')}`);
  // sudo drops the environment, so the variable goes through env(1).
  const [command, ...args] = [...asRoot, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  await run(command, [...args, 'update']);
  await run(command, [...args, ...install]);
  const stillMissing = missingPackages(packages);
  if (stillMissing.length)
    throw new Error(`apt-get succeeded, yet these are still missing: ${stillMissing.join(', ')}`);
}

/** @param {{ name: string, files: string[] }[]} packages */
function missingPackages(packages) {
  return packages
    .filter(({ files }) => !files.every((file) => fs.existsSync(file)))
    .map(({ name }) => name);
}

/**
 * How to run a command as root: directly, through sudo, or not at all (null).
 * @returns {string[] | null}
 */
function rootPrefix() {
  if (process.getuid?.() === 0) return [];
  return fs.existsSync('/usr/bin/sudo') ? ['sudo'] : null;
}

/**
 * Runs `npm ci` unless node_modules was installed by it from this very
 * package-lock.json, which a hash written after a successful run records.
 * @param {string} repoRoot
 */
async function ensureNpmDependencies(repoRoot) {
  const lockFile = path.join(repoRoot, 'package-lock.json');
  if (!fs.existsSync(lockFile)) throw new Error(`${lockFile} is missing: npm ci needs it`);
  const lockHash = createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex');
  const hashFile = path.join(repoRoot, 'node_modules', LOCK_HASH_FILE);
  const installedHash = fs.existsSync(hashFile) ? fs.readFileSync(hashFile, 'utf8').trim() : null;
  if (installedHash === lockHash) {
    log('npm dependencies up to date');
    return;
  }
  log(installedHash ? 'package-lock.json changed: npm ci' : 'npm ci');
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot });
  // npm ci creates no node_modules when there is nothing to install.
  fs.mkdirSync(path.dirname(hashFile), { recursive: true });
  fs.writeFileSync(hashFile, lockHash + '\n');
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string }} [options]
 */
function run(command, args, { cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve(undefined)
        : reject(
            new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`),
          ),
    );
  });
}

/** @param {string} line */
function log(line) {
  console.log(`setup: ${line}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureSetup({ withBrowser: process.argv.includes('--with-browser') }).catch((error) => {
    console.error(`setup failed: ${error.message}`);
    process.exit(1);
  });
}
