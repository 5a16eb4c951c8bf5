import { FlowDefinition } from '@starchart/flow-runtime/table';
import { FLOW_OPS, type DnsRecordJobData } from './job-data';
import { DNS_FLOW_STEPS, DNS_QUEUES, type DnsQueueName } from './queues';

/** What identifies one flow: the operation on one version of one record. */
export type FlowKey = Pick<DnsRecordJobData, 'op' | 'recordId' | 'version'>;

const FLOW_KEY = new RegExp(`^(${FLOW_OPS.join('|')})-(.+)-v(\\d+)$`);

/** The DNS record flow: its table (DNS_FLOW_STEPS) and what flow-runtime derives from it. */
export const DNS_FLOW = new FlowDefinition<DnsQueueName, FlowKey, DnsRecordJobData>({
  label: 'DNS flow',
  root: DNS_QUEUES.syncDbStatus,
  steps: DNS_FLOW_STEPS,
  keyOf: ({ op, recordId, version }) => ({ op, recordId, version }),
  formatKey: ({ op, recordId, version }) => `${op}-${recordId}-v${version}`,
  parseKey: (text) => {
    const [, op, recordId, version] = FLOW_KEY.exec(text) ?? [];
    const knownOp = FLOW_OPS.find((candidate) => candidate === op);
    if (!knownOp || !recordId || !version) return undefined;
    return { op: knownOp, recordId, version: Number(version) };
  },
  // Reads like `createDnsRecord:www-alice` on the board.
  jobLabel: ({ name, username }) => `${name}-${username}`,
});

/** The flow id of a record (its root job id): what the api stores in `flowId` before it starts the flow. */
export function flowIdFor(flow: FlowKey): string {
  return DNS_FLOW.flowId(flow);
}

/** The inverse of the root's job id, or undefined for an id this code did not make. */
export function parseFlowId(flowId: string): FlowKey | undefined {
  return DNS_FLOW.parseFlowId(flowId);
}
