import {
  HOUR_S,
  scheduledRunRow,
  type QueueRegistry,
  type Retention,
  type StepRow,
} from '@starchart/flow-runtime/table';

/**
 * Every queue of the certificate flow and its renewal scheduler. Renaming a queue strands the
 * jobs already in Redis under the old name: add the new one and drain the old one instead.
 */
export const CERT_QUEUES = {
  createAcmeOrder: 'create-acme-order',
  writeChallengeRecord: 'write-challenge-record',
  checkChallengeDns: 'check-challenge-dns',
  validateChallenges: 'validate-challenges',
  finalizeCertificate: 'finalize-certificate',
  cleanupChallenge: 'cleanup-challenge',
  renewCertificates: 'renew-certificates',
  resumeCertificates: 'resume-certificates',
  revokeCertificate: 'revoke-certificate',
  removeCertificate: 'remove-certificate',
  admitCertificates: 'admit-certificates',
} as const;

export type CertQueueName = (typeof CERT_QUEUES)[keyof typeof CERT_QUEUES];
/** The steps of the delete flow. */
export type CertDeleteStep =
  typeof CERT_QUEUES.revokeCertificate | typeof CERT_QUEUES.removeCertificate;
/** The steps of an order's flow (issue or renew). */
export type CertFlowStep = Exclude<
  CertQueueName,
  | typeof CERT_QUEUES.renewCertificates
  | typeof CERT_QUEUES.resumeCertificates
  | typeof CERT_QUEUES.admitCertificates
  | CertDeleteStep
>;

const RETENTION: Retention = {
  completed: { age: 24 * HOUR_S, count: 10_000 },
  failed: { age: 7 * 24 * HOUR_S, count: 10_000 },
};

// Mostly waiting on the network: the CA, Route 53 and DNS.
const CONCURRENCY = 8;
// The CA and the DNS answer within seconds or a few minutes: poll fast at first, then back off.
const POLL = { minMs: 250, maxMs: 5_000 };

/**
 * One order's flow, a chain; each parent runs after its child:
 *
 *   cleanup-challenge          (root) remove the TXT record set; write issued or failed
 *   └── finalize-certificate          fresh key + CSR, finalize, store certificate and chain
 *       └── validate-challenges       tell the CA to check, wait until the order is ready
 *           └── check-challenge-dns   wait for INSYNC and for the authoritative DNS answer
 *               └── write-challenge-record   UPSERT one TXT set with every value
 *                   └── create-acme-order    new ACME order, its DNS-01 challenges
 *
 * ACME servers ask clients to back off for seconds when they are busy or rate limiting; Route 53
 * throttling clears in seconds too. The root always runs (a failed step passes its reason up): it
 * removes the challenge record and writes issued or failed, so it retries longest.
 */
export const CERT_FLOW_STEPS: { readonly [Step in CertFlowStep]: StepRow<CertFlowStep> } = {
  [CERT_QUEUES.cleanupChallenge]: {
    jobName: 'cleanupChallenge',
    children: [CERT_QUEUES.finalizeCertificate],
    retry: { attempts: 10, firstRetryMs: 2_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: null,
  },
  [CERT_QUEUES.finalizeCertificate]: {
    jobName: 'finalizeCertificate',
    children: [CERT_QUEUES.validateChallenges],
    retry: { attempts: 6, firstRetryMs: 5_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: null,
  },
  [CERT_QUEUES.validateChallenges]: {
    jobName: 'validateChallenges',
    children: [CERT_QUEUES.checkChallengeDns],
    retry: { attempts: 6, firstRetryMs: 5_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: POLL,
  },
  [CERT_QUEUES.checkChallengeDns]: {
    jobName: 'checkChallengeDns',
    children: [CERT_QUEUES.writeChallengeRecord],
    retry: { attempts: 6, firstRetryMs: 2_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: POLL,
  },
  [CERT_QUEUES.writeChallengeRecord]: {
    jobName: 'writeChallengeRecord',
    children: [CERT_QUEUES.createAcmeOrder],
    retry: { attempts: 6, firstRetryMs: 2_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: null,
  },
  [CERT_QUEUES.createAcmeOrder]: {
    jobName: 'createAcmeOrder',
    children: [],
    retry: { attempts: 6, firstRetryMs: 5_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: null,
  },
};

/**
 * A delete's flow: revoke at the CA (cessationOfOperation), then remove the row and any challenge
 * record; the root always runs and keeps the certificate, with the reason, when the revocation
 * failed for good.
 *
 *   remove-certificate        (root) remove the challenge record and the row, or keep it with the reason
 *   └── revoke-certificate           revoke the stored certificate at the CA (none stored: nothing to do)
 *
 * A CA that cannot be reached is tried again for about 20 minutes (5 s doubling, 9 attempts)
 * before the revocation counts as failed; a refusal counts at once.
 */
export const CERT_DELETE_STEPS: { readonly [Step in CertDeleteStep]: StepRow<CertDeleteStep> } = {
  [CERT_QUEUES.removeCertificate]: {
    jobName: 'removeCertificate',
    children: [CERT_QUEUES.revokeCertificate],
    retry: { attempts: 10, firstRetryMs: 2_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: null,
  },
  [CERT_QUEUES.revokeCertificate]: {
    jobName: 'revokeCertificate',
    children: [],
    retry: { attempts: 9, firstRetryMs: 5_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: CONCURRENCY,
    poll: null,
  },
};

/**
 * Every queue this lib owns, flow steps and the schedulers (renewal, safety net) alike: what the
 * board shows, the producer opens and the worker must process. Adding a queue is adding a row.
 */
export const CERT_QUEUE_REGISTRY = {
  ...CERT_FLOW_STEPS,
  ...CERT_DELETE_STEPS,
  // The scheduled renewal run: one at a time per process; no retries (the next slot comes soon).
  [CERT_QUEUES.renewCertificates]: scheduledRunRow('renewCertificates', {
    completedHours: 7 * 24,
    failedHours: 30 * 24,
    count: 100,
  }),
  // The safety net's run, like the reconciler's for records: one at a time in the deployment
  // (a Redis lock), not retried (the next slot comes soon); reports kept for a week.
  [CERT_QUEUES.resumeCertificates]: scheduledRunRow('resumeCertificates', {
    completedHours: 7 * 24,
    failedHours: 7 * 24,
    count: 500,
  }),
  // The admission run lets queued orders out as the issuance budget allows: one at a time in
  // the deployment (a Redis lock), not retried (the next slot comes within a minute).
  [CERT_QUEUES.admitCertificates]: scheduledRunRow('admitCertificates', {
    completedHours: 24,
    failedHours: 7 * 24,
    count: 500,
  }),
} as const satisfies QueueRegistry;
