import type { FlowJob } from 'bullmq';
import type { CertJobData } from './job-data';
import { certJobIdFor, certJobNameFor, certJobOptionsFor, type CertFlowKey } from './job-options';
import { CERT_FLOW_STEPS, CERT_QUEUES, type CertFlowStep } from './queues';

/**
 * One order's flow, a chain; each parent runs after its child:
 *
 *   cleanup-challenge          (root) remove the TXT record set; write issued or failed
 *   └── finalize-certificate          fresh key + CSR, finalize, store certificate and chain
 *       └── validate-challenges       tell the CA to check, wait until the order is ready
 *           └── check-challenge-dns   wait for INSYNC and for the authoritative DNS answer
 *               └── write-challenge-record   UPSERT one TXT set with every value
 *                   └── create-acme-order    new ACME order, its DNS-01 challenges
 */
export function buildCertFlow(data: CertJobData): FlowJob {
  const leafFirst = [...CERT_FLOW_STEPS].reverse();
  let node: FlowJob | undefined;
  for (const step of leafFirst) {
    node = {
      name: certJobNameFor(data, step),
      queueName: step,
      data,
      opts: certJobOptionsFor(data, step),
      ...(node ? { children: [node] } : {}),
    };
  }
  if (!node) throw new Error('the certificate flow has no steps');
  return node;
}

export function certFlowJobIds(flow: CertFlowKey): Record<CertFlowStep, string> {
  return {
    [CERT_QUEUES.cleanupChallenge]: certJobIdFor(flow, CERT_QUEUES.cleanupChallenge),
    [CERT_QUEUES.finalizeCertificate]: certJobIdFor(flow, CERT_QUEUES.finalizeCertificate),
    [CERT_QUEUES.validateChallenges]: certJobIdFor(flow, CERT_QUEUES.validateChallenges),
    [CERT_QUEUES.checkChallengeDns]: certJobIdFor(flow, CERT_QUEUES.checkChallengeDns),
    [CERT_QUEUES.writeChallengeRecord]: certJobIdFor(flow, CERT_QUEUES.writeChallengeRecord),
    [CERT_QUEUES.createAcmeOrder]: certJobIdFor(flow, CERT_QUEUES.createAcmeOrder),
  };
}

/** The flow id stored in the certificate row: its root job's id. */
export function certFlowIdFor(flow: CertFlowKey): string {
  return certJobIdFor(flow, CERT_QUEUES.cleanupChallenge);
}

const FLOW_ID = new RegExp(`^(issue|renew)-(.+)-([vt])(\\d+)-${CERT_QUEUES.cleanupChallenge}$`);

/** The inverse of the root's job id, or undefined for an id this code did not make. */
export function parseCertFlowId(flowId: string): CertFlowKey | undefined {
  const match = FLOW_ID.exec(flowId);
  if (!match) return undefined;
  const [, op, certificateId, kind, number] = match;
  if (!certificateId || !number) return undefined;
  if (op === 'issue' && kind === 'v') return { op, certificateId, version: Number(number) };
  if (op === 'renew' && kind === 't') return { op, certificateId, replacesValidTo: Number(number) };
  return undefined;
}

/** The key under which a parent records its child's value or failure: `<prefix>:<queue>:<id>`. */
export function certChildJobKey(prefix: string, step: CertFlowStep, jobId: string): string {
  return `${prefix}:${step}:${jobId}`;
}
