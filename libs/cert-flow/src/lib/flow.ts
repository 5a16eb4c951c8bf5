import { FlowDefinition } from '@starchart/flow-runtime/table';
import type { CertJobData } from './job-data';
import { CERT_FLOW_STEPS, CERT_QUEUES, type CertFlowStep } from './queues';

/** What identifies one flow: an issue of one version, or the renewal of one certificate's validTo. */
export type CertFlowKey =
  | Pick<Extract<CertJobData, { op: 'issue' }>, 'op' | 'certificateId' | 'version'>
  | Pick<Extract<CertJobData, { op: 'renew' }>, 'op' | 'certificateId' | 'replacesValidTo'>;

const FLOW_KEY = /^(issue|renew)-(.+)-([vt])(\d+)$/;

/** The certificate flow: its table (CERT_FLOW_STEPS) and what flow-runtime derives from it. */
export const CERT_FLOW = new FlowDefinition<CertFlowStep, CertFlowKey, CertJobData>({
  label: 'certificate flow',
  root: CERT_QUEUES.cleanupChallenge,
  steps: CERT_FLOW_STEPS,
  keyOf: (data) =>
    data.op === 'issue'
      ? { op: data.op, certificateId: data.certificateId, version: data.version }
      : { op: data.op, certificateId: data.certificateId, replacesValidTo: data.replacesValidTo },
  formatKey: (key) =>
    `${key.op}-${key.certificateId}-${key.op === 'issue' ? `v${key.version}` : `t${key.replacesValidTo}`}`,
  parseKey: (text) => {
    const [, op, certificateId, kind, number] = FLOW_KEY.exec(text) ?? [];
    if (!certificateId || !number) return undefined;
    if (op === 'issue' && kind === 'v') return { op, certificateId, version: Number(number) };
    if (op === 'renew' && kind === 't')
      return { op, certificateId, replacesValidTo: Number(number) };
    return undefined;
  },
  // Reads like `finalizeCertificate:alice` on the board.
  jobLabel: ({ username }) => username,
});

/** The flow id stored in the certificate row: its root job's id. */
export function certFlowIdFor(flow: CertFlowKey): string {
  return CERT_FLOW.flowId(flow);
}
