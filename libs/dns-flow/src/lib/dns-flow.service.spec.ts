import { Processor } from '@nestjs/bullmq';
import { ConsoleLogger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { WorkerRegistryError } from '@starchart/flow-runtime';
import type { DnsRecordEntity } from '@starchart/persistence';
import { FlowHarness } from '../../test/support/harness';
import { DnsFlowModule } from './dns-flow.module';
import { DnsFlowService } from './dns-flow.service';
import { DNS_FLOW } from './flow';
import { DNS_QUEUES } from './queues';
import { DnsStepProcessor } from './steps/dns-step.processor';

jest.setTimeout(30_000);

describe('DnsFlowService with the flow workers running', () => {
  let h: FlowHarness;
  let record: DnsRecordEntity;
  let firstId: string;
  let secondId: string;

  beforeAll(async () => {
    h = await FlowHarness.start();
    record = h.newRecord({ value: '192.0.2.60' });
    firstId = await h.submit('create', record);
    secondId = await h.flows.start('create', record);
    await h.waitForRecord(record.id, (r) => r?.status === 'active');
  });

  afterAll(() => h?.close());

  it('adds nothing when the same flow is started twice, before or after it ran', async () => {
    const thirdId = await h.flows.start('create', record);

    expect(new Set([firstId, secondId, thirdId])).toEqual(new Set([record.flowId]));
    for (const step of DNS_FLOW.stepNames) {
      const counts = await h.jobs(step).getJobCounts();
      expect({ step, jobs: Object.values(counts).reduce((sum, n) => sum + n, 0) }).toEqual({
        step,
        jobs: 1,
      });
    }
  });

  it('reports the four steps of the flow, root first', async () => {
    const ids = DNS_FLOW.jobIds({ op: 'create', recordId: record.id, version: 1 });
    const steps = await h.flows.getSteps(record);

    expect(steps.map(({ step, jobId, state }) => ({ step, jobId, state }))).toEqual([
      { step: DNS_QUEUES.syncDbStatus, jobId: ids[DNS_QUEUES.syncDbStatus], state: 'completed' },
      { step: DNS_QUEUES.addDbRecord, jobId: ids[DNS_QUEUES.addDbRecord], state: 'completed' },
      {
        step: DNS_QUEUES.checkDnsStatus,
        jobId: ids[DNS_QUEUES.checkDnsStatus],
        state: 'completed',
      },
      {
        step: DNS_QUEUES.createDnsRecord,
        jobId: ids[DNS_QUEUES.createDnsRecord],
        state: 'completed',
      },
    ]);
    const row = await h.records.findOneBy({ id: record.id });
    expect(steps[3]?.returnValue).toMatchObject({ changeId: row?.changeId });
    expect(steps[0]).toMatchObject({ returnValue: { outcome: 'active' }, failedReason: null });
    expect(steps[0]?.finishedAt).toBeInstanceOf(Date);
  });

  it('polls check-dns-status while PENDING without spending its attempts', async () => {
    const ids = DNS_FLOW.jobIds({ op: 'create', recordId: record.id, version: 1 });
    const check = await h.jobs(DNS_QUEUES.checkDnsStatus).getJob(ids[DNS_QUEUES.checkDnsStatus]);

    expect(check?.attemptsStarted).toBeGreaterThan(2);
    expect(check?.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('answers ping while Redis is up and counts the workers of every queue', async () => {
    await expect(h.flows.ping()).resolves.toBeUndefined();
    const counts = await h.flows.getWorkerCounts();
    for (const step of DNS_FLOW.stepNames) expect(counts[step]).toBeGreaterThanOrEqual(1);
  });
});

describe('DnsFlowWorkerModule', () => {
  @Processor(DNS_QUEUES.addDbRecord, { autorun: false })
  class SecondAddDbRecordProcessor extends DnsStepProcessor<null> {
    protected async run(): Promise<null> {
      return null;
    }
  }

  it('refuses to start when a DNS queue has two processors', async () => {
    await expect(FlowHarness.start({ providers: [SecondAddDbRecordProcessor] })).rejects.toThrow(
      new WorkerRegistryError('DNS flow workers: queue add-db-record has 2 processors'),
    );
  });
});

describe('DnsFlowService without Redis', () => {
  it('fails ping at once when Redis does not answer', async () => {
    const app = await Test.createTestingModule({
      // Port 1 on loopback: nothing listens there.
      imports: [
        DnsFlowModule.forRoot({ queue: { redisUrl: 'redis://127.0.0.1:1', prefix: '{down}' } }),
      ],
    })
      // Every command fails with ECONNREFUSED: keep that out of the test output.
      .setLogger(new ConsoleLogger({ logLevels: ['fatal'] }))
      .compile();
    await app.init();
    try {
      const started = Date.now();
      await expect(app.get(DnsFlowService).ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await app.close();
    }
  });
});
