import { FlowDefinition } from '@starchart/flow-runtime/table';
import {
  CERT_FLOW_OPS,
  type CertDeleteJobData,
  type CertFlowOp,
  type CertJobData,
} from './job-data';
import {
  CERT_DELETE_STEPS,
  CERT_FLOW_STEPS,
  CERT_QUEUES,
  type CertDeleteStep,
  type CertFlowStep,
} from './queues';

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

/** What identifies one delete flow: one version of one certificate. */
export type CertDeleteKey = Pick<CertDeleteJobData, 'certificateId' | 'version'>;

const DELETE_KEY = /^delete-(.+)-v(\d+)$/;

/** A certificate's delete flow: revoke, then remove (CERT_DELETE_STEPS). */
export const CERT_DELETE_FLOW = new FlowDefinition<
  CertDeleteStep,
  CertDeleteKey,
  CertDeleteJobData
>({
  label: 'certificate delete flow',
  root: CERT_QUEUES.removeCertificate,
  steps: CERT_DELETE_STEPS,
  keyOf: ({ certificateId, version }) => ({ certificateId, version }),
  formatKey: ({ certificateId, version }) => `delete-${certificateId}-v${version}`,
  parseKey: (text) => {
    const [, certificateId, version] = DELETE_KEY.exec(text) ?? [];
    if (!certificateId || !version) return undefined;
    return { certificateId, version: Number(version) };
  },
  jobLabel: ({ username }) => username,
});
