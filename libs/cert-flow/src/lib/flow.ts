import { FlowDefinition } from '@starchart/flow-runtime/table';
import { CERT_FLOW_OPS, type CertFlowOp, type CertJobData } from './job-data';
import { CERT_FLOW_STEPS, CERT_QUEUES, type CertFlowStep } from './queues';

/** What identifies one flow: one order (a version) of one certificate, an issue or a renewal. */
export type CertFlowKey = Pick<CertJobData, 'op' | 'certificateId' | 'version'>;

const FLOW_KEY = /^([a-z]+)-(.+)-v(\d+)$/;

const isOp = (text: string | undefined): text is CertFlowOp =>
  CERT_FLOW_OPS.some((op) => op === text);

/** The certificate flow: its table (CERT_FLOW_STEPS) and what flow-runtime derives from it. */
export const CERT_FLOW = new FlowDefinition<CertFlowStep, CertFlowKey, CertJobData>({
  label: 'certificate flow',
  root: CERT_QUEUES.cleanupChallenge,
  steps: CERT_FLOW_STEPS,
  keyOf: ({ op, certificateId, version }) => ({ op, certificateId, version }),
  formatKey: ({ op, certificateId, version }) => `${op}-${certificateId}-v${version}`,
  parseKey: (text) => {
    const [, op, certificateId, version] = FLOW_KEY.exec(text) ?? [];
    if (!isOp(op) || !certificateId || !version) return undefined;
    return { op, certificateId, version: Number(version) };
  },
  // Reads like `finalizeCertificate:alice` on the board.
  jobLabel: ({ username }) => username,
});

/** The flow id stored in the certificate row: its root job's id. */
export function certFlowIdFor(flow: CertFlowKey): string {
  return CERT_FLOW.flowId(flow);
}
