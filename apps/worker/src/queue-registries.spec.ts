import type { DynamicModule } from '@nestjs/common';
import { CERT_FLOW, CERT_QUEUE_REGISTRY } from '@starchart/cert-flow';
import { CertFlowWorkerModule } from '@starchart/cert-flow/worker';
import { DNS_FLOW, DNS_QUEUE_REGISTRY } from '@starchart/dns-flow';
import { DnsFlowWorkerModule } from '@starchart/dns-flow/worker';
import { NOTIFICATION_QUEUE_REGISTRY } from '@starchart/notifications';
import { NotificationsWorkerModule } from '@starchart/notifications/worker';
import {
  HOUR_S,
  SHARED_LOCK_POLICY,
  workerOptionsFor,
  type QueueRegistry,
  type QueueRow,
  type StepRow,
} from '@starchart/flow-runtime';

// Where @nestjs/bullmq's @Processor keeps the queue name and the worker options of a class.
const PROCESSOR_METADATA = 'bullmq:processor_metadata';
const WORKER_METADATA = 'bullmq:worker_metadata';

// Never connected: building a module only declares its providers.
const queue = { redisUrl: 'redis://127.0.0.1:1', prefix: '{registries}' };

/** Every library that owns queues: its registry, its flow table and its worker module. */
const LIBRARIES: {
  label: string;
  registry: QueueRegistry;
  steps: object;
  module: DynamicModule;
}[] = [
  {
    label: 'dns-flow',
    registry: DNS_QUEUE_REGISTRY,
    steps: DNS_FLOW.table.steps,
    module: DnsFlowWorkerModule.forRoot({ queue, concurrency: {} }),
  },
  {
    label: 'cert-flow',
    registry: CERT_QUEUE_REGISTRY,
    steps: CERT_FLOW.table.steps,
    module: CertFlowWorkerModule.forRoot({
      queue,
      acme: { directoryUrl: 'https://127.0.0.1:1/dir' },
      encryption: { key: Buffer.alloc(32).toString('base64'), retiredKeys: [] },
      keyType: 'ecdsa-p256',
      renewBeforeDays: 30,
      renewEveryMs: HOUR_S * 1_000,
    }),
  },
  {
    label: 'notifications',
    registry: NOTIFICATION_QUEUE_REGISTRY,
    // No flow: one job per notice.
    steps: {},
    module: NotificationsWorkerModule.forRoot({
      queue,
      concurrency: {},
      config: {
        smtpUrl: 'smtp://127.0.0.1:1',
        from: 'starchart@example.test',
        webUrl: 'https://starchart.example.test',
        retry: { attempts: 1, firstRetryMs: 1_000 },
      },
    }),
  },
];

/** The queue each processor class of a module serves, with its BullMQ worker options. */
function processorsOf(module: DynamicModule): { queue: string; options: unknown }[] {
  return (module.providers ?? []).flatMap((provider) => {
    if (typeof provider !== 'function') return [];
    const processor: unknown = Reflect.getMetadata(PROCESSOR_METADATA, provider);
    if (typeof processor !== 'object' || processor === null || !('name' in processor)) return [];
    return [
      { queue: String(processor.name), options: Reflect.getMetadata(WORKER_METADATA, provider) },
    ];
  });
}

describe.each(LIBRARIES)('the queues of $label', ({ registry, steps, module }) => {
  it('each have exactly one processor in the worker module, and no processor serves another queue', () => {
    const served = processorsOf(module).map((processor) => processor.queue);
    expect([...served].sort()).toEqual(Object.keys(registry).sort());
  });

  it('each run with the lock and stall settings of their row (shared unless the row says otherwise)', () => {
    for (const processor of processorsOf(module)) {
      const row = registry[processor.queue];
      if (!row) throw new Error(`${processor.queue} is not in the registry`);
      expect({ queue: processor.queue, options: processor.options }).toEqual({
        queue: processor.queue,
        options: workerOptionsFor(row),
      });
    }
    // The shared policy is not BullMQ's default (30 s lock, one stall allowed).
    expect(SHARED_LOCK_POLICY.lockDurationMs).toBeLessThan(30_000);
    expect(SHARED_LOCK_POLICY.maxStalledCount).toBeGreaterThan(1);
  });

  it('hold every step of the flow table, each row with usable settings', () => {
    const rows = Object.entries(steps as Record<string, StepRow<string>>);
    for (const [name, row] of rows) {
      expect(registry[name]).toBe(row);
      expect(row.jobName).toMatch(/^[a-zA-Z]+$/);
      expect(row.concurrency).toBeGreaterThanOrEqual(1);
      expect(row.retry.attempts).toBeGreaterThanOrEqual(1);
      expect(row.retry.firstRetryMs).toBeGreaterThan(0);
      for (const kept of [row.retention.completed, row.retention.failed]) {
        expect(kept.age).toBeGreaterThan(0);
        expect(kept.count).toBeGreaterThan(0);
      }
      for (const child of row.children) expect(Object.keys(steps)).toContain(child);
      if (row.poll) expect(row.poll.minMs).toBeLessThanOrEqual(row.poll.maxMs);
    }
  });
});

describe('all registries together', () => {
  it('never give one queue name to two libraries', () => {
    const names = LIBRARIES.flatMap(({ registry }) => Object.keys(registry));
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuse, at compile time, a queue row without its lock policy', () => {
    // @ts-expect-error -- `locks` is missing: a queue cannot be added without its settings.
    const row: QueueRow = {
      jobName: 'sendNotification',
      concurrency: 1,
      retention: { completed: { age: 1, count: 1 }, failed: { age: 1, count: 1 } },
    };
    expect(row.jobName).toBe('sendNotification');
  });
});
