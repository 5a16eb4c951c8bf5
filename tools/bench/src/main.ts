import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ScenarioError } from './lib/errors';
import { BenchContext, round } from './lib/harness';
import { formatTable, type ScenarioResult } from './lib/results';
import { nowMs } from './lib/timing';
import { loadAppEnvModule, loadStackModule, REPO_ROOT } from './lib/workspace';
import { certificates } from './scenarios/certificates';
import { issuance } from './scenarios/issuance';
import { latency } from './scenarios/latency';
import { memory } from './scenarios/memory';
import { RAW_WORKER_COMMAND, runRawWorker } from './scenarios/raw-bullmq';
import { reconcile } from './scenarios/reconcile';
import { scale } from './scenarios/scale';
import { scaleOut } from './scenarios/scale-out';
import { throughput } from './scenarios/throughput';

const SCENARIOS: Record<string, (context: BenchContext) => Promise<ScenarioResult>> = {
  throughput,
  scale,
  'scale-out': scaleOut,
  latency,
  memory,
  certificates,
  reconcile,
  issuance,
};

const USAGE = `usage: npm run bench -- [--keep-data] [--cpu-prof] [${Object.keys(SCENARIOS).join('|')} ...]
  no scenario runs them all; results go to bench-results/
  --cpu-prof  the api and workers write V8 CPU profiles to bench-results/profiles-<time>/`;

interface Failure {
  scenario: string;
  reason: string;
}

async function bench(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'keep-data': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const unknown = positionals.filter((name) => !(name in SCENARIOS));
  if (values.help || unknown.length > 0) {
    if (unknown.length > 0) console.error(`unknown scenario: ${unknown.join(', ')}`);
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const selected = positionals.length > 0 ? positionals : Object.keys(SCENARIOS);

  const [stackModule, appEnvModule] = await Promise.all([loadStackModule(), loadAppEnvModule()]);
  const dataDir = path.join(REPO_ROOT, '.var', `bench-${process.pid}`);
  const runStarted = nowMs();
  console.log(`starting a throwaway stack in ${dataDir}`);
  const stack = await stackModule.startStack({
    dataDir,
    ports: 'free',
    rootDomain: 'starchart.test',
    emulator: { insyncDelayMs: 0, rps: 0 },
    // The bench signs its own HS256 tokens with the development secret.
    devIdp: false,
    redisCluster: selected.includes('scale-out'),
  });
  const results: ScenarioResult[] = [];
  const failures: Failure[] = [];
  let keepData = values['keep-data'] === true;
  const stopStack = async (): Promise<void> => {
    await stackModule.stopStack(stack, { removeData: !keepData });
  };
  process.once('SIGINT', () => {
    keepData = true;
    void stopStack().finally(() => process.exit(130));
  });

  try {
    const context = await BenchContext.create(
      stack,
      // Every scenario runs on the single Redis; scale-out puts some runs on the cluster itself.
      appEnvModule.appEnv({ ...stack, redisCluster: null }),
      appEnvModule.DEV_JWT_SECRET,
      (app) => appEnvModule.nodeOptionsFor(app),
    );
    if (values['cpu-prof'] === true) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      context.profileDir = path.join(REPO_ROOT, 'bench-results', `profiles-${stamp}`);
      console.log(`CPU profiles go to ${path.relative(REPO_ROOT, context.profileDir)}`);
    }
    try {
      for (const name of selected) {
        const scenario = SCENARIOS[name];
        if (!scenario) continue;
        console.log(`\n=== ${name}`);
        try {
          const result = await scenario(context);
          results.push(result);
          console.log(`=== ${name}: done in ${result.seconds.toFixed(1)} s`);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          failures.push({ scenario: name, reason });
          console.error(`=== ${name}: could not run: ${reason}`);
          if (!(error instanceof ScenarioError)) console.error(error);
        }
      }
    } finally {
      await context.close();
    }
  } finally {
    if (failures.length > 0) keepData = true;
    await stopStack();
  }

  const totalSeconds = (nowMs() - runStarted) / 1000;
  console.log(`\n${formatTable(results)}`);
  for (const failure of failures)
    console.log(`${failure.scenario}: could not run: ${failure.reason}`);
  const file = writeResults({ selected, results, failures, totalSeconds });
  console.log(
    `\nfull run ${totalSeconds.toFixed(0)} s; results in ${path.relative(REPO_ROOT, file)}`,
  );
  if (failures.length > 0) console.log(`logs kept in ${path.join(dataDir, 'logs')}`);
  return failures.length > 0 ? 1 : 0;
}

function writeResults(run: {
  selected: string[];
  results: ScenarioResult[];
  failures: Failure[];
  totalSeconds: number;
}): string {
  const directory = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(directory, { recursive: true });
  const startedAt = new Date().toISOString();
  const file = path.join(directory, `bench-${startedAt.replace(/[:.]/g, '-')}.json`);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
  };
  writeFileSync(
    file,
    `${JSON.stringify({ finishedAt: startedAt, machine, ...run, totalSeconds: round(run.totalSeconds, 1) }, null, 2)}\n`,
  );
  return file;
}

if (process.argv[2] === RAW_WORKER_COMMAND) {
  runRawWorker(process.env).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  // Exits explicitly: keep-alive HTTP sockets would otherwise hold the process open for a while.
  bench(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
