import { ConsoleLogger, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import {
  DnsRecordEntity,
  PersistenceModule,
  runMigrations,
  toDatabaseConfig,
  type DnsRecordType,
} from '@starchart/persistence';
import { Route53Module } from '@starchart/route53';
import {
  lookupDns,
  mysqlUrl,
  testStack,
  uniqueId,
  type DnsAnswer,
  type HostedZone,
  type TestStack,
} from '@starchart/testing';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import * as mysql from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { DnsFlowQueues } from '../../src/lib/dns-flow-queues';
import { DnsFlowWorkerModule, route53RedisOptions } from '../../src/lib/dns-flow-worker.module';
import { DnsFlowModule } from '../../src/lib/dns-flow.module';
import { DnsFlowService } from '../../src/lib/dns-flow.service';
import { flowIdFor } from '../../src/lib/flow';
import type { FlowOp } from '../../src/lib/job-data';
import type { QueueConfig } from '../../src/lib/queue-config';
import { DNS_QUEUE_REGISTRY, DNS_QUEUES, type DnsQueueName } from '../../src/lib/queues';
import { AddDbRecordProcessor } from '../../src/lib/steps/add-db-record.processor';
import { CheckDnsStatusProcessor } from '../../src/lib/steps/check-dns-status.processor';
import { CreateDnsRecordProcessor } from '../../src/lib/steps/create-dns-record.processor';
import { SyncDbStatusProcessor } from '../../src/lib/steps/sync-db-status.processor';
import type { ReconcileSettings } from '../../src/lib/reconcile/reconcile-settings';
import type { PollPolicy } from '@starchart/flow-runtime';

const PROCESSORS = {
  [DNS_QUEUES.addDbRecord]: AddDbRecordProcessor,
  [DNS_QUEUES.createDnsRecord]: CreateDnsRecordProcessor,
  [DNS_QUEUES.checkDnsStatus]: CheckDnsStatusProcessor,
  [DNS_QUEUES.syncDbStatus]: SyncDbStatusProcessor,
};

export interface EmulatorFault {
  operation: 'ChangeResourceRecordSets' | 'GetChange' | 'ListResourceRecordSets';
  kind: 'InternalFailure' | 'Throttling' | 'PriorRequestNotComplete' | 'Delay';
  /** Others share the emulator: a fault hits the next `count` calls of anyone, never more. */
  count: number;
  delayMs?: number;
}

/**
 * The worker module and the producer in this process, against the test stack: a database, a
 * queue prefix and Route 53 key prefix of this test file's own, removed by close().
 */
export class FlowHarness {
  private constructor(
    readonly stack: TestStack,
    readonly queue: QueueConfig,
    readonly app: TestingModule,
    private readonly database: { name: string; server: mysql.Connection },
    /** The hosted zone the workers write to: the stack's shared one unless the test brought its own. */
    readonly zone: HostedZone,
  ) {}

  static async start(
    options: {
      providers?: Provider[];
      poll?: PollPolicy;
      deadlineMs?: number;
      zone?: HostedZone;
      /** The reconciler is not scheduled unless asked: it would reconcile the zone against this database. */
      reconcile?: Partial<ReconcileSettings>;
    } = {},
  ): Promise<FlowHarness> {
    // The emulator does not check signatures, but the SDK needs credentials to sign with.
    process.env['AWS_ACCESS_KEY_ID'] ??= 'starchart-test';
    process.env['AWS_SECRET_ACCESS_KEY'] ??= 'starchart-test';
    const stack = testStack();
    const name = `starchart_${uniqueId('flow')}`;
    const server = await mysql.createConnection(mysqlUrl(stack));
    await server.query(`CREATE DATABASE \`${name}\``);
    const database = toDatabaseConfig({
      DATABASE_URL: mysqlUrl(stack, name),
      DATABASE_POOL_SIZE: 4,
    });
    await runMigrations(database);

    const queue: QueueConfig = { redisUrl: stack.redis.url, prefix: `{${uniqueId('test')}}` };
    const zone = options.zone ?? {
      id: stack.emulator.zoneId,
      rootDomain: stack.emulator.rootDomain,
    };
    const app = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot(database),
        DnsFlowModule.forRoot({ queue }),
        Route53Module.forRoot({
          config: {
            endpoint: stack.emulator.apiUrl,
            region: 'us-east-1',
            hostedZoneId: zone.id,
            ratePerSecond: 10,
            batchWindowMs: 20,
            batching: true,
          },
          redis: route53RedisOptions(queue),
        }),
        DnsFlowWorkerModule.forRoot({
          queue,
          concurrency: {},
          poll: options.poll,
          deadlineMs: options.deadlineMs,
          reconcile: { everyMs: 0, ...options.reconcile },
        }),
      ],
      providers: options.providers ?? [],
    })
      .setLogger(new ConsoleLogger({ logLevels: ['error'] }))
      .compile();
    const harness = new FlowHarness(stack, queue, app, { name, server }, zone);
    try {
      await app.init();
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  get flows(): DnsFlowService {
    return this.app.get(DnsFlowService);
  }

  get records(): Repository<DnsRecordEntity> {
    return this.app.get(getRepositoryToken(DnsRecordEntity));
  }

  /** The producer's handle on a queue, to inspect its jobs. */
  jobs(step: DnsQueueName): Queue {
    return this.app.get(DnsFlowQueues).queue(step);
  }

  /** The running worker of a step, to pause it. */
  worker(step: DnsQueueName): Worker {
    return this.app.get(PROCESSORS[step]).worker;
  }

  /** A record as the api writes it before answering 202: pending, its flow id already set. */
  newRecord(
    fields: {
      name?: string;
      type?: DnsRecordType;
      value?: string;
      priority?: number | null;
      weight?: number | null;
      port?: number | null;
    } = {},
  ): DnsRecordEntity {
    const username = uniqueId('u');
    const name = fields.name ?? 'www';
    return this.records.create({
      id: randomUUID(),
      username,
      name,
      fqdn: `${name === '@' ? '' : `${name}.`}${username}.${this.zone.rootDomain}`,
      type: fields.type ?? 'A',
      value: fields.value ?? '192.0.2.10',
      priority: fields.priority ?? null,
      weight: fields.weight ?? null,
      port: fields.port ?? null,
      ttl: 60,
      status: 'pending',
      statusReason: null,
      version: 1,
      flowId: null,
      changeId: null,
    });
  }

  /** Writes the row as the api would for this operation, then starts the flow. */
  async submit(op: FlowOp, record: DnsRecordEntity): Promise<string> {
    record.flowId = flowIdFor({ op, recordId: record.id, version: record.version });
    record.status = op === 'delete' ? 'deleting' : 'pending';
    await this.records.save(record);
    return this.flows.start(op, record);
  }

  /** Polls the row until `done` holds, returning it (undefined once deleted). */
  async waitForRecord(
    id: string,
    done: (row: DnsRecordEntity | null) => boolean,
    timeoutMs = 15_000,
  ): Promise<DnsRecordEntity | null> {
    return waitFor(() => this.records.findOneBy({ id }), done, timeoutMs, `record ${id}`);
  }

  async waitForJob(
    step: DnsQueueName,
    jobId: string,
    states: string[],
    timeoutMs = 15_000,
  ): Promise<void> {
    await waitFor(
      async () => (await this.jobs(step).getJob(jobId))?.getState(),
      (state) => state !== undefined && states.includes(state),
      timeoutMs,
      `${step} job ${jobId} to be ${states.join(' or ')}`,
    );
  }

  lookup(name: string, type: DnsRecordType): Promise<DnsAnswer> {
    return lookupDns(this.stack.emulator.dnsPort, name, type);
  }

  async addFault(fault: EmulatorFault): Promise<void> {
    await this.emulator('POST', 'faults', fault);
  }

  /** The shared emulator's delay between a change and INSYNC, set by the stack. */
  async insyncDelayMs(): Promise<number> {
    const config = (await this.emulator('GET', 'config')) as { insyncDelayMs: number };
    return config.insyncDelayMs;
  }

  async close(): Promise<void> {
    await this.app.close();
    const connection = new Redis(this.queue.redisUrl);
    try {
      for (const name of Object.keys(DNS_QUEUE_REGISTRY)) {
        const queue = new Queue(name, { connection, prefix: this.queue.prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      const { keyPrefix } = route53RedisOptions(this.queue);
      const keys = await connection.keys(`${keyPrefix}*`);
      if (keys.length > 0) await connection.del(...keys);
    } finally {
      await connection.quit();
    }
    await this.database.server.query(`DROP DATABASE IF EXISTS \`${this.database.name}\``);
    await this.database.server.end();
  }

  private async emulator(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.stack.emulator.apiUrl}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status}`);
    return response.json();
  }
}

export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
