import 'reflect-metadata';
import { runMigrations } from '@starchart/persistence';
import { createApiApp } from './app';
import {
  ConfigError,
  documentationConfig,
  loadApiConfig,
  loadMigrateConfig,
} from './config/api-config';
import { JsonLogger } from '@starchart/logging';
import { Tracing } from '@starchart/telemetry/tracing';
import { openApiDocumentOffline } from './openapi/openapi';

const USAGE = 'usage: node dist/apps/api/main.js [migrate | openapi]';
const COMMANDS = ['migrate', 'openapi'];

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

/** Prints the OpenAPI document without connecting to anything (libs/api-client is generated from it). */
async function printOpenApi(): Promise<void> {
  const document = await openApiDocumentOffline(documentationConfig());
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/** The deploy-time step: apply pending migrations, then exit. */
async function migrate(): Promise<void> {
  const applied = await runMigrations(loadMigrateConfig(process.env));
  new JsonLogger({ level: 'log' }).log({ msg: 'migrations applied', applied }, 'migrate');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (rest.length > 0 || (command !== undefined && !COMMANDS.includes(command))) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  if (command === 'migrate') await migrate();
  else if (command === 'openapi') await printOpenApi();
  else await serve();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
