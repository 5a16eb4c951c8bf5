import { Injectable } from '@nestjs/common';
import {
  FlowAdder,
  flowState,
  readFlowSteps,
  removeFlowTree,
  rootJobState,
  type FlowState,
  type FlowStepProgress,
  type StepState,
} from '@starchart/flow-runtime';
import type { DnsRecordEntity } from '@starchart/persistence';
import { DnsFlowQueues } from './dns-flow-queues';
import { DNS_FLOW } from './flow';
import { toJobData, type FlowOp } from './job-data';
import { DNS_QUEUES, type DnsQueueName } from './queues';

/** One job of a record's flow, as the api shows it. */
export type FlowStep = FlowStepProgress<DnsQueueName>;

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
    const rootId = DNS_FLOW.flowId(data);
    // Retention may already have removed a finished flow's children; adding the flow again
    // would re-create and run them, so an existing root means the flow is there.
    if (mayExist && (await this.queues.queue(DNS_QUEUES.syncDbStatus).getJob(rootId))) {
      return rootId;
    }
    // Together with the flows other requests start at the same moment: one MULTI for all.
    await this.adder.add(DNS_FLOW.build(data));
    return rootId;
  }

  /** The state of the root job of the record's latest flow; 'unknown' when Redis has no such job. */
  getFlowState(record: DnsRecordEntity): Promise<StepState> {
    return rootJobState(this.queues.queue(DNS_QUEUES.syncDbStatus), record.flowId);
  }

  /**
   * As getFlowState, but a root waiting for children has its tree walked: 'broken' when a job
   * of it waits for a child that Redis lost (the safety net's view; a few reads more).
   */
  checkFlow(record: DnsRecordEntity): Promise<FlowState> {
    return flowState(this.queues.queue(DNS_QUEUES.syncDbStatus), record.flowId, this.queues);
  }

  /** Removes the record's latest flow from Redis, its root and every job of its tree. */
  removeFlow(record: DnsRecordEntity): Promise<void> {
    return removeFlowTree(this.queues.queue(DNS_QUEUES.syncDbStatus), record.flowId);
  }

  /**
   * Runs the record's current flow again when it stopped without writing a final status: a root
   * lost from Redis is added again (same ids, so a copy still there is not duplicated), a root
   * that failed for good is retried (its children's results are kept). Returns what it did.
   */
  async resume(op: FlowOp, record: DnsRecordEntity): Promise<'added' | 'retried' | 'none'> {
    const data = toJobData(op, record);
    const root = await this.queues.queue(DNS_QUEUES.syncDbStatus).getJob(DNS_FLOW.flowId(data));
    if (!root) {
      await this.queues.flowProducer.add(DNS_FLOW.build(data));
      return 'added';
    }
    if ((await root.getState()) !== 'failed') return 'none';
    await root.retry('failed');
    return 'retried';
  }

  /** The four steps of the record's latest flow, root first; [] when it has none. */
  getSteps(record: DnsRecordEntity): Promise<FlowStep[]> {
    return readFlowSteps(DNS_FLOW, (step) => this.queues.queue(step), record.flowId);
  }

  /** Throws when Redis does not answer. */
  ping(): Promise<void> {
    return this.queues.ping();
  }

  /** Throws when Redis cannot be reached; free while the connection is up. */
  ensureConnected(): Promise<void> {
    return this.queues.ensureConnected();
  }

  /** Workers connected to each queue, for the health check: zero means nobody processes it. */
  async getWorkerCounts(): Promise<Record<DnsQueueName, number>> {
    const counts = await Promise.all(
      DNS_FLOW.stepNames.map(async (name) => [
        name,
        await this.queues.queue(name).getWorkersCount(),
      ]),
    );
    return Object.fromEntries(counts) as Record<DnsQueueName, number>;
  }
}
