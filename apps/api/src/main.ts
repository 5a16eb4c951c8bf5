import 'reflect-metadata';
import { runMigrations } from '@starchart/persistence';
import { createApiApp } from './app';
import { ConfigError, loadApiConfig, loadMigrateConfig } from './config/api-config';
import { JsonLogger } from '@starchart/logging';
import { Tracing } from '@starchart/telemetry/tracing';

const USAGE = 'usage: node dist/apps/api/main.js [migrate]';

async function serve(): Promise<void> {
  const config = loadApiConfig(process.env);
  const logger = new JsonLogger({ level: config.logLevel });
  // Before the app: the spans of its start and of every request go through it.
  const tracing =
    config.tracing &&
    (await Tracing.start({ serviceName: 'starchart-api', endpoint: config.tracing.endpoint }));
  const app = await createApiApp(config, logger, tracing);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  logger.log({ msg: 'listening', url: await app.getUrl() }, 'main');
}

/** The deploy-time step: apply pending migrations, then exit. */
async function migrate(): Promise<void> {
  const applied = await runMigrations(loadMigrateConfig(process.env));
  new JsonLogger({ level: 'log' }).log({ msg: 'migrations applied', applied }, 'migrate');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (rest.length > 0 || (command !== undefined && command !== 'migrate')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  await (command === 'migrate' ? migrate() : serve());
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
