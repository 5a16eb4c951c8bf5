import type { FlowJob, FlowJobNode } from 'bullmq';
import { FLOW_OPS, type DnsRecordJobData } from './job-data';
import { jobIdFor, jobNameFor, jobOptionsFor, type FlowKey } from './job-options';
import { DNS_QUEUES, type DnsQueueName } from './queues';

/**
 * One request's flow; the parent runs after all of its children:
 *
 *   sync-db-status            (root) set the row active or error, or remove it after a delete
 *   ├── add-db-record                confirm the row (create it from the job if missing)
 *   └── check-dns-status             wait for the change to reach INSYNC
 *       └── create-dns-record        UPSERT or DELETE the record set in Route 53
 */
export function buildDnsFlow(data: DnsRecordJobData): FlowJob {
  const node = (step: DnsQueueName, children?: FlowJobNode[]): FlowJobNode => ({
    name: jobNameFor(data, step),
    queueName: step,
    data,
    opts: jobOptionsFor(data, step),
    ...(children ? { children } : {}),
  });
  return {
    name: jobNameFor(data, DNS_QUEUES.syncDbStatus),
    queueName: DNS_QUEUES.syncDbStatus,
    data,
    opts: jobOptionsFor(data, DNS_QUEUES.syncDbStatus),
    children: [
      node(DNS_QUEUES.addDbRecord),
      node(DNS_QUEUES.checkDnsStatus, [node(DNS_QUEUES.createDnsRecord)]),
    ],
  };
}

/** The job ids of one flow, per step. The root's id is the flow id stored in the record. */
export function flowJobIds(flow: FlowKey): Record<DnsQueueName, string> {
  return {
    [DNS_QUEUES.syncDbStatus]: jobIdFor(flow, DNS_QUEUES.syncDbStatus),
    [DNS_QUEUES.addDbRecord]: jobIdFor(flow, DNS_QUEUES.addDbRecord),
    [DNS_QUEUES.checkDnsStatus]: jobIdFor(flow, DNS_QUEUES.checkDnsStatus),
    [DNS_QUEUES.createDnsRecord]: jobIdFor(flow, DNS_QUEUES.createDnsRecord),
  };
}

/** The flow id of a record (its root job id): what the api stores in `flowId` before it starts the flow. */
export function flowIdFor(flow: FlowKey): string {
  return jobIdFor(flow, DNS_QUEUES.syncDbStatus);
}

const FLOW_ID = new RegExp(`^(${FLOW_OPS.join('|')})-(.+)-v(\\d+)-${DNS_QUEUES.syncDbStatus}$`);

/** The inverse of the root's job id, or undefined for an id this code did not make. */
export function parseFlowId(flowId: string): FlowKey | undefined {
  const match = FLOW_ID.exec(flowId);
  if (!match) return undefined;
  const [, op, recordId, version] = match;
  const knownOp = FLOW_OPS.find((candidate) => candidate === op);
  if (!knownOp || !recordId || !version) return undefined;
  return { op: knownOp, recordId, version: Number(version) };
}

/** The key under which a parent records its child's value or failure: `<prefix>:<queue>:<id>`. */
export function childJobKey(prefix: string, step: DnsQueueName, jobId: string): string {
  return `${prefix}:${step}:${jobId}`;
}
