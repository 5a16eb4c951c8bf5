// Helpers shared by the npm scripts. Built-ins only: these run before `npm ci` on a fresh machine.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs a command with inherited stdio; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a command and throws with a clear message when it fails. */
export async function step(title, command, args, options) {
  const started = Date.now();
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const code = await run(command, args, options);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) throw new Error(`${title} failed (exit ${code}) after ${seconds}s`);
  console.log(`=== ${title}: ok in ${seconds}s`);
}

/** Calls `cleanup` once on exit, Ctrl-C or SIGTERM, then exits with the signal's conventional code. */
export function onShutdown(cleanup) {
  let done = false;
  const handler = (signal) => {
    if (done) return;
    done = true;
    Promise.resolve(cleanup())
      .catch((error) => console.error(error))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    done = true;
  };
}
