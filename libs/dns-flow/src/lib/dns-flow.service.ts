import { Injectable } from '@nestjs/common';
import {
  FlowAdder,
  readJobProgress,
  type JobProgress,
  type StepState,
} from '@starchart/flow-runtime';
import type { DnsRecordEntity } from '@starchart/persistence';
import { DnsFlowQueues } from './dns-flow-queues';
import { buildDnsFlow, flowJobIds, parseFlowId } from './flow';
import { toJobData, type FlowOp } from './job-data';
import { DNS_FLOW_QUEUE_NAMES, DNS_QUEUES, type DnsQueueName } from './queues';

/** States in which a flow still runs by itself: a worker has it or will pick it up. */
export const LIVE_STEP_STATES: readonly StepState[] = [
  'waiting',
  'waiting-children',
  'delayed',
  'active',
  'prioritized',
];

/** One job of a record's flow, as the api shows it. */
export interface FlowStep extends JobProgress {
  step: DnsQueueName;
}

/** The producer side of the DNS record flow: no processors, safe to use from the api. */
@Injectable()
export class DnsFlowService {
  private readonly adder: FlowAdder;

  constructor(private readonly queues: DnsFlowQueues) {
    this.adder = new FlowAdder(queues.flowProducer);
  }

  /**
   * Adds the flow for this version of the record and returns its root job id (the record's
   * flowId). Adding it again adds nothing: the job ids derive from op, record id and version.
   * `mayExist: false` promises that this version's flow was never added (a version just
   * claimed, a fresh random id) and saves a round trip to Redis.
   */
  async start(
    op: FlowOp,
    record: DnsRecordEntity,
    { mayExist }: { mayExist: boolean } = { mayExist: true },
  ): Promise<string> {
    const data = toJobData(op, record);
    const rootId = flowJobIds(data)[DNS_QUEUES.syncDbStatus];
    // Retention may already have removed a finished flow's children; adding the flow again
    // would re-create and run them, so an existing root means the flow is there.
    if (mayExist && (await this.queues.queue(DNS_QUEUES.syncDbStatus).getJob(rootId))) {
      return rootId;
    }
    // Together with the flows other requests start at the same moment: one MULTI for all.
    await this.adder.add(buildDnsFlow(data));
    return rootId;
  }

  /** The state of the root job of the record's latest flow; 'unknown' when Redis has no such job. */
  async getFlowState(record: DnsRecordEntity): Promise<StepState> {
    if (!record.flowId) return 'unknown';
    const root = await this.queues.queue(DNS_QUEUES.syncDbStatus).getJob(record.flowId);
    return root ? root.getState() : 'unknown';
  }

  /**
   * Runs the record's current flow again when it stopped without writing a final status: a root
   * lost from Redis is added again (same ids, so a copy still there is not duplicated), a root
   * that failed for good is retried (its children's results are kept). Returns what it did.
   */
  async resume(op: FlowOp, record: DnsRecordEntity): Promise<'added' | 'retried' | 'none'> {
    const rootId = flowJobIds(toJobData(op, record))[DNS_QUEUES.syncDbStatus];
    const root = await this.queues.queue(DNS_QUEUES.syncDbStatus).getJob(rootId);
    if (!root) {
      await this.queues.flowProducer.add(buildDnsFlow(toJobData(op, record)));
      return 'added';
    }
    if ((await root.getState()) !== 'failed') return 'none';
    await root.retry('failed');
    return 'retried';
  }

  /** The four steps of the record's latest flow, root first; [] when it has none. */
  async getSteps(record: DnsRecordEntity): Promise<FlowStep[]> {
    const flow = record.flowId ? parseFlowId(record.flowId) : undefined;
    if (!flow) return [];
    const ids = flowJobIds(flow);
    return Promise.all(DNS_FLOW_QUEUE_NAMES.map((step) => this.readStep(step, ids[step])));
  }

  /** Throws when Redis does not answer. */
  async ping(): Promise<void> {
    await this.queues.connection.ping();
  }

  /**
   * Throws when Redis cannot be reached. Free while the connection is up; otherwise a ping,
   * which waits for at most one reconnection attempt.
   */
  async ensureConnected(): Promise<void> {
    if (this.queues.connection.status !== 'ready') await this.ping();
  }

  /** Workers connected to each queue, for the health check: zero means nobody processes it. */
  async getWorkerCounts(): Promise<Record<DnsQueueName, number>> {
    const count = (name: DnsQueueName): Promise<number> =>
      this.queues.queue(name).getWorkersCount();
    const [syncDbStatus, addDbRecord, checkDnsStatus, createDnsRecord] = await Promise.all([
      count(DNS_QUEUES.syncDbStatus),
      count(DNS_QUEUES.addDbRecord),
      count(DNS_QUEUES.checkDnsStatus),
      count(DNS_QUEUES.createDnsRecord),
    ]);
    return {
      [DNS_QUEUES.syncDbStatus]: syncDbStatus,
      [DNS_QUEUES.addDbRecord]: addDbRecord,
      [DNS_QUEUES.checkDnsStatus]: checkDnsStatus,
      [DNS_QUEUES.createDnsRecord]: createDnsRecord,
    };
  }

  private async readStep(step: DnsQueueName, jobId: string): Promise<FlowStep> {
    return { step, ...(await readJobProgress(this.queues.queue(step), jobId)) };
  }
}
