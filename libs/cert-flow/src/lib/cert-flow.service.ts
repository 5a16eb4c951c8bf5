import { Injectable } from '@nestjs/common';
import { readFlowSteps, rootJobState, type StepState } from '@starchart/flow-runtime';
import type { CertificateEntity } from '@starchart/persistence';
import { CertFlowQueues } from './cert-flow-queues';
import { CERT_FLOW } from './flow';
import type { CertJobData } from './job-data';
import { CERT_QUEUES, type CertFlowStep } from './queues';

/** One job of a certificate's flow, as the api shows it. */
export interface CertFlowStepView {
  step: CertFlowStep;
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

  /** The state of the root job of the certificate's latest flow; 'unknown' when Redis has none. */
  getFlowState(certificate: Pick<CertificateEntity, 'flowId'>): Promise<StepState> {
    return rootJobState(this.queues.queue(CERT_QUEUES.cleanupChallenge), certificate.flowId);
  }

  /** Why the root job of the certificate's latest flow failed; null when it did not. */
  async rootFailure(certificate: Pick<CertificateEntity, 'flowId'>): Promise<string | null> {
    if (!certificate.flowId) return null;
    const root = await this.queues.queue(CERT_QUEUES.cleanupChallenge).getJob(certificate.flowId);
    return root?.failedReason || null;
  }

  /** The steps of the certificate's latest flow, root first; [] when it has none. */
  async getSteps(certificate: Pick<CertificateEntity, 'flowId'>): Promise<CertFlowStepView[]> {
    const steps = await readFlowSteps(
      CERT_FLOW,
      (step) => this.queues.queue(step),
      certificate.flowId,
    );
    // The api's certificate step view has no returnValue.
    return steps.map(({ returnValue: _returnValue, ...view }) => view);
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
