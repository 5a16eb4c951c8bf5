import { ConsoleLogger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Route53Service } from '@starchart/route53';
import { mysqlUrl, testStack, uniqueId } from '@starchart/testing';
import * as mysql from 'mysql2/promise';
import { loadWorkerConfig } from './config/worker-config';
import { WorkerModule } from './worker.module';

describe('WorkerModule', () => {
  const stack = testStack();
  const databaseName = `starchart_${uniqueId('wm')}`;
  let server: mysql.Connection;

  beforeAll(async () => {
    server = await mysql.createConnection(mysqlUrl(stack));
    await server.query(`CREATE DATABASE \`${databaseName}\``);
  });

  afterAll(async () => {
    await server.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await server.end();
  });

  it('gives the record and the certificate flow one Route53Service, so one batcher per process', async () => {
    const config = loadWorkerConfig({
      REDIS_URL: stack.redis.url,
      QUEUE_PREFIX: `{${uniqueId('wm')}}`,
      DATABASE_URL: mysqlUrl(stack, databaseName),
      AWS_ENDPOINT_URL_ROUTE_53: stack.emulator.apiUrl,
      ROUTE53_HOSTED_ZONE_ID: stack.emulator.zoneId,
      ACME_DIRECTORY_URL: stack.pebble.directoryUrl,
      ACME_CA_CERT_PATH: stack.pebble.caCertPath,
      CERT_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(config.certificates).toBeDefined();
    // Compiled, not started: the providers exist, no worker takes a job.
    const app = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] })
      .setLogger(new ConsoleLogger({ logLevels: ['error'] }))
      .compile();
    try {
      expect(app.get(Route53Service, { strict: false, each: true })).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
