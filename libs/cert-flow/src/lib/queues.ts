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
} as const;

export type CertQueueName = (typeof CERT_QUEUES)[keyof typeof CERT_QUEUES];

/** The queues of one certificate flow, root first; the order of the chain below it. */
export const CERT_FLOW_STEPS = [
  CERT_QUEUES.cleanupChallenge,
  CERT_QUEUES.finalizeCertificate,
  CERT_QUEUES.validateChallenges,
  CERT_QUEUES.checkChallengeDns,
  CERT_QUEUES.writeChallengeRecord,
  CERT_QUEUES.createAcmeOrder,
] as const;

export type CertFlowStep = (typeof CERT_FLOW_STEPS)[number];

/** The registry the board and the worker read: one processor per queue. */
export const CERT_FLOW_QUEUE_NAMES: readonly CertQueueName[] = [
  ...CERT_FLOW_STEPS,
  CERT_QUEUES.renewCertificates,
];
