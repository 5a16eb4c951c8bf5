#!/usr/bin/env node
// `npm test`: set up, start throwaway services on free ports, run format, lint, type checks,
// builds and every test, stop the services. Exits non-zero on the first failure.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_RULES, ALERT_RULE_TESTS, PROMETHEUS_BIN } from '../stack/prometheus.mjs';
import { ensureSetup } from '../stack/setup.mjs';
import { startStack, stopStack } from '../stack/stack.mjs';
import { onShutdown, repoRoot, step } from './run.mjs';

const args = process.argv.slice(2);
const keepData = args.includes('--keep-data');
const jestArgs = args.filter((arg) => arg !== '--keep-data');
const started = Date.now();
// CI trusts no cache: every run lints, type-checks and builds from scratch.
const nxCache = process.env.CI ? ['--skip-nx-cache'] : [];
const npx = (bin, binArgs, title, options) =>
  step(title, 'npx', ['--no-install', bin, ...binArgs], options);

await ensureSetup({ withBrowser: true });
await npx('prettier', ['--check', '.', '--log-level', 'warn'], 'format');
await npx(
  'nx',
  ['run-many', '-t', 'lint', 'typecheck', '--output-style=stream', ...nxCache],
  'lint and type checks',
);
await npx('nx', ['run-many', '-t', 'build', '--output-style=stream', ...nxCache], 'build');
await step('stack script tests', process.execPath, ['--test', 'tools/stack/']);
await step('alert rules', PROMETHEUS_BIN.promtool, ['check', 'rules', ALERT_RULES]);
await step('alert rule tests', PROMETHEUS_BIN.promtool, ['test', 'rules', ALERT_RULE_TESTS]);
await npx('vitest', ['run', '--config', 'vitest.config.mts'], 'browser-side tests (Vitest)');

const dataDir = join(repoRoot, '.var', `test-${process.pid}`);
mkdirSync(dataDir, { recursive: true });
console.log('\n=== starting throwaway services');
const stack = await startStack({
  dataDir,
  ports: 'free',
  rootDomain: 'starchart.test',
  emulator: { insyncDelayMs: 500, rps: 0 },
  log: (line) => console.log(`    ${line}`),
});
const cancelShutdown = onShutdown(() => stopStack(stack, { removeData: !keepData }));

const resultsFile = join(dataDir, 'jest-results.json');
let failure;
try {
  await npx(
    'jest',
    [
      '-c',
      'jest.config.js',
      '--maxWorkers=2',
      '--forceExit',
      '--json',
      `--outputFile=${resultsFile}`,
      ...jestArgs,
    ],
    'tests',
    {
      env: {
        ...process.env,
        STARCHART_STACK_FILE: join(dataDir, 'stack.json'),
        // The SDK's notice that Node 20 support ends in 2027, once per test process, buries failures.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
} catch (error) {
  failure = error;
}

let summary = '';
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  summary = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
} catch {
  summary = '';
}
cancelShutdown();
await stopStack(stack, { removeData: !keepData });
if (!keepData) rmSync(dataDir, { recursive: true, force: true });

console.log(`\nnpm test took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
if (summary) console.log(`tests: ${summary}`);
if (failure) {
  console.error(failure.message);
  process.exit(1);
}
