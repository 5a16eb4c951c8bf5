import { Injectable } from '@nestjs/common';
import {
  flowState,
  readFlowSteps,
  removeFlowTree,
  rootJobState,
  type FlowState,
  type StepState,
} from '@starchart/flow-runtime';
import type { CertificateEntity } from '@starchart/persistence';
import { CertFlowQueues } from './cert-flow-queues';
import { CERT_DELETE_FLOW, CERT_FLOW } from './flow';
import type { CertDeleteJobData, CertJobData } from './job-data';
import { CERT_QUEUES, type CertDeleteStep, type CertFlowStep } from './queues';

/** One job of a certificate's flow (an order's or a delete's), as the api shows it. */
export interface CertFlowStepView {
  step: CertFlowStep | CertDeleteStep;
  jobId: string;
  state: StepState;
  attempts: number;
  failedReason: string | null;
  processedAt: Date | null;
  finishedAt: Date | null;
}

/** The names a user's certificate carries: their own name, then its wildcard. */
export function certificateDomains(username: string, rootDomain: string): string[] {
  return [`${username}.${rootDomain}`, `*.${username}.${rootDomain}`];
}

/** The payload of the flow of one order (a version) of this certificate. */
export function toCertJobData(
  op: CertJobData['op'],
  certificate: Pick<CertificateEntity, 'id' | 'username' | 'domains' | 'version'>,
): CertJobData {
  return {
    op,
    version: certificate.version,
    certificateId: certificate.id,
    username: certificate.username,
    domains: certificate.domains,
    challengeName: `_acme-challenge.${certificate.domains[0] ?? ''}`,
  };
}

/** The payload of the delete flow of this certificate's next version. */
export function toCertDeleteJobData(
  certificate: Pick<CertificateEntity, 'id' | 'username' | 'domains' | 'version'>,
  revoke: boolean,
): CertDeleteJobData {
  return {
    certificateId: certificate.id,
    username: certificate.username,
    version: certificate.version + 1,
    challengeName: `_acme-challenge.${certificate.domains[0] ?? ''}`,
    revoke,
  };
}

/** The producer side of the certificate flow: no processors, safe to use from the api. */
@Injectable()
export class CertFlowService {
  constructor(private readonly queues: CertFlowQueues) {}

  /** The root job id the flow for `data` gets: what the api stores in `flowId` first. */
  flowIdFor(data: CertJobData): string {
    return CERT_FLOW.flowId(data);
  }

  /** Adds the flow unless its root exists already (retention may have removed its children). */
  async start(data: CertJobData): Promise<string> {
    const rootId = CERT_FLOW.flowId(data);
    if (await this.queues.queue(CERT_QUEUES.cleanupChallenge).getJob(rootId)) return rootId;
    await this.queues.flowProducer.add(CERT_FLOW.build(data));
    return rootId;
  }

  /** The root job id of the delete flow for `data`: what the api stores in `flowId` first. */
  deleteFlowIdFor(data: CertDeleteJobData): string {
    return CERT_DELETE_FLOW.flowId(data);
  }

  /** Adds the delete flow unless its root exists already. */
  async startDelete(data: CertDeleteJobData): Promise<string> {
    const rootId = CERT_DELETE_FLOW.flowId(data);
    if (await this.queues.queue(CERT_QUEUES.removeCertificate).getJob(rootId)) return rootId;
    await this.queues.flowProducer.add(CERT_DELETE_FLOW.build(data));
    return rootId;
  }

  /** The state of the root job of the certificate's latest flow; 'unknown' when Redis has none. */
  getFlowState(certificate: Pick<CertificateEntity, 'flowId'>): Promise<StepState> {
    return rootJobState(this.rootQueue(certificate.flowId), certificate.flowId);
  }

  /**
   * As getFlowState, but a root waiting for children has its tree walked: 'broken' when a job
   * of it waits for a child that Redis lost (the safety net's view; a few reads more).
   */
  checkFlow(certificate: Pick<CertificateEntity, 'flowId'>): Promise<FlowState> {
    return flowState(this.rootQueue(certificate.flowId), certificate.flowId, this.queues);
  }

  /** Removes the certificate's latest flow from Redis, its root and every job of its tree. */
  removeFlow(certificate: Pick<CertificateEntity, 'flowId'>): Promise<void> {
    return removeFlowTree(this.rootQueue(certificate.flowId), certificate.flowId);
  }

  /** Why the root job of the certificate's latest flow failed; null when it did not. */
  async rootFailure(certificate: Pick<CertificateEntity, 'flowId'>): Promise<string | null> {
    if (!certificate.flowId) return null;
    const root = await this.rootQueue(certificate.flowId).getJob(certificate.flowId);
    return root?.failedReason || null;
  }

  /** The steps of the certificate's latest flow, an order's or a delete's, root first; [] when it has none. */
  async getSteps(certificate: Pick<CertificateEntity, 'flowId'>): Promise<CertFlowStepView[]> {
    const queueOf = (step: CertFlowStep | CertDeleteStep) => this.queues.queue(step);
    const { flowId } = certificate;
    const steps = isDeleteFlow(flowId)
      ? await readFlowSteps(CERT_DELETE_FLOW, queueOf, flowId)
      : await readFlowSteps(CERT_FLOW, queueOf, flowId);
    // The api's certificate step view has no returnValue.
    return steps.map(({ returnValue: _returnValue, ...view }) => view);
  }

  private rootQueue(flowId: string | null) {
    return this.queues.queue(
      isDeleteFlow(flowId) ? CERT_QUEUES.removeCertificate : CERT_QUEUES.cleanupChallenge,
    );
  }

  /** Throws when Redis does not answer. */
  ping(): Promise<void> {
    return this.queues.ping();
  }

  /** Throws when Redis cannot be reached; free while the connection is up. */
  ensureConnected(): Promise<void> {
    return this.queues.ensureConnected();
  }
}

function isDeleteFlow(flowId: string | null): boolean {
  return flowId !== null && CERT_DELETE_FLOW.parseFlowId(flowId) !== undefined;
}
