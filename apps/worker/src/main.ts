import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CERT_QUEUE_REGISTRY } from '@starchart/cert-flow';
import { DNS_QUEUE_REGISTRY } from '@starchart/dns-flow';
import { JsonLogger } from '@starchart/logging';
import { NOTIFICATION_QUEUE_REGISTRY } from '@starchart/notifications';
import { Tracing } from '@starchart/telemetry/tracing';
import { ConfigError, loadWorkerConfig } from './config/worker-config';
import { WorkerMetrics } from './metrics/worker-metrics';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const tracing =
    config.tracing &&
    (await Tracing.start({ serviceName: 'starchart-worker', endpoint: config.tracing.endpoint }));
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, tracing), {
    // One JSON object per line, as the api logs, so that one log pipeline reads both.
    logger: new JsonLogger({ level: config.logLevel }),
  });
  // On SIGTERM Nest closes the workers first (they finish their active jobs), then the queues and
  // connections; useProcessExit makes a clean shutdown exit 0 instead of re-raising the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // Every queue this process has a worker on, of every registry it loaded.
  const queues = [
    ...Object.keys(DNS_QUEUE_REGISTRY),
    ...(config.certificates ? Object.keys(CERT_QUEUE_REGISTRY) : []),
    ...(config.notifications ? Object.keys(NOTIFICATION_QUEUE_REGISTRY) : []),
  ];
  const metrics = config.metrics ? app.get(WorkerMetrics).metricsUrl : undefined;
  console.log(JSON.stringify({ event: 'ready', pid: process.pid, queues, metrics }));
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
