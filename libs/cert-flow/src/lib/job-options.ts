import type { JobsOptions } from 'bullmq';
import {
  flowJobOptions,
  HOUR_S,
  type FlowJobOptions,
  type Retention,
  type RetryPolicy,
} from '@starchart/flow-runtime';
import type { CertJobData } from './job-data';
import { CERT_QUEUES, type CertFlowStep } from './queues';

// ACME servers ask clients to back off for seconds when they are busy or rate limiting;
// Route 53 throttling clears in seconds too.
const RETRY_POLICY: Record<CertFlowStep, RetryPolicy> = {
  [CERT_QUEUES.createAcmeOrder]: { attempts: 6, firstRetryMs: 5_000 },
  [CERT_QUEUES.writeChallengeRecord]: { attempts: 6, firstRetryMs: 2_000 },
  [CERT_QUEUES.checkChallengeDns]: { attempts: 6, firstRetryMs: 2_000 },
  [CERT_QUEUES.validateChallenges]: { attempts: 6, firstRetryMs: 5_000 },
  [CERT_QUEUES.finalizeCertificate]: { attempts: 6, firstRetryMs: 5_000 },
  [CERT_QUEUES.cleanupChallenge]: { attempts: 10, firstRetryMs: 2_000 },
};

const JOB_NAMES: Record<CertFlowStep, string> = {
  [CERT_QUEUES.createAcmeOrder]: 'createAcmeOrder',
  [CERT_QUEUES.writeChallengeRecord]: 'writeChallengeRecord',
  [CERT_QUEUES.checkChallengeDns]: 'checkChallengeDns',
  [CERT_QUEUES.validateChallenges]: 'validateChallenges',
  [CERT_QUEUES.finalizeCertificate]: 'finalizeCertificate',
  [CERT_QUEUES.cleanupChallenge]: 'cleanupChallenge',
};

/** What identifies one flow: an issue of one version, or the renewal of one certificate's validTo. */
export type CertFlowKey =
  | Pick<Extract<CertJobData, { op: 'issue' }>, 'op' | 'certificateId' | 'version'>
  | Pick<Extract<CertJobData, { op: 'renew' }>, 'op' | 'certificateId' | 'replacesValidTo'>;

/**
 * Deterministic, so that adding the same flow twice (two renewal runs) adds nothing. BullMQ
 * uses ':' as its key separator, so ids must not contain one.
 */
export function certJobIdFor(flow: CertFlowKey, step: CertFlowStep): string {
  const generation = flow.op === 'issue' ? `v${flow.version}` : `t${flow.replacesValidTo}`;
  return `${flow.op}-${flow.certificateId}-${generation}-${step}`;
}

/** Reads like `finalizeCertificate:alice` on the board. */
export function certJobNameFor(data: Pick<CertJobData, 'username'>, step: CertFlowStep): string {
  return `${JOB_NAMES[step]}:${data.username}`;
}

const RETENTION: Retention = {
  completed: { age: 24 * HOUR_S, count: 10_000 },
  failed: { age: 7 * 24 * HOUR_S, count: 10_000 },
};

/**
 * The options of one node of a certificate flow: its step's retry policy, the flow's retention.
 * The root always runs (a failed step passes its reason up): it removes the challenge record and
 * writes failed.
 */
export function certJobOptionsFor(flow: CertFlowKey, step: CertFlowStep): FlowJobOptions {
  return flowJobOptions({
    jobId: certJobIdFor(flow, step),
    retry: RETRY_POLICY[step],
    retention: RETENTION,
    isRoot: step === CERT_QUEUES.cleanupChallenge,
  });
}

/** The scheduler's id: upserting it from every worker replica keeps one schedule. */
export const RENEWAL_SCHEDULER_ID = 'renew-certificates';

/** The scheduled renewal run's template: no retries (the next slot comes soon), short retention. */
export const RENEWAL_JOB_OPTIONS: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 7 * 24 * HOUR_S, count: 100 },
  removeOnFail: { age: 30 * 24 * HOUR_S, count: 100 },
};
