import { StepProcessor } from '@starchart/flow-runtime';
import { DNS_FLOW, type FlowKey } from '../flow';
import { dnsRecordJobDataSchema, type DnsRecordJobData } from '../job-data';
import type { DnsQueueName } from '../queues';

/** The DNS record flow's steps: its table and payload schema, for the shared step processor. */
export abstract class DnsStepProcessor<Result> extends StepProcessor<
  DnsQueueName,
  FlowKey,
  DnsRecordJobData,
  Result
> {
  protected readonly flow = DNS_FLOW;
  protected readonly dataSchema = dnsRecordJobDataSchema;
}
