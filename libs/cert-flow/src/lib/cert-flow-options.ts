import type { QueueConnectionConfig } from '@starchart/flow-runtime';
import type { CaPauseBackoff } from './acme/ca-pause';
import type { IssuanceBudgets } from './admission/issuance-budget';
import { DEFAULT_RENEWAL_RETRY, type RenewalRetry } from './renewal/renewal-schedule';
/** Where the queues live: apps pass the same values they give dns-flow (REDIS_URL, QUEUE_PREFIX). */
export type CertQueueConfig = QueueConnectionConfig;

export const CERT_KEY_TYPES = ['ecdsa-p256', 'rsa-2048'] as const;
export type CertKeyType = (typeof CERT_KEY_TYPES)[number];

export interface AcmeConfig {
  directoryUrl: string;
  /** PEM of an extra CA to trust for the ACME server's HTTPS (Pebble's listener). */
  caCertPem?: string;
  contactEmail?: string;
  /** A configured account key (PEM); without it one is created once and kept in the database. */
  accountKeyPem?: string;
}

export interface EncryptionConfig {
  /** base64 of 32 bytes; seals new values. */
  key: string;
  /** Keys rotated out, still accepted for values they sealed. */
  retiredKeys: string[];
}

/** The certificate safety net (CertificateResumer). */
export interface CertResumeSettings {
  /** How often its job scheduler starts a run; 0 removes the scheduler. */
  everyMs: number;
  /** How long a pending or renewing certificate may go without a live flow before it is resumed. */
  graceMs: number;
  /** Resumes of one order before it ends failed. */
  maxResumes: number;
}

// Like the reconciler's: longer than a flow takes to be added after the api's commit.
export const DEFAULT_CERT_RESUME: CertResumeSettings = {
  everyMs: 5 * 60_000,
  graceMs: 2 * 60_000,
  maxResumes: 3,
};

export interface CertFlowWorkerOptions {
  queue: CertQueueConfig;
  acme: AcmeConfig;
  encryption: EncryptionConfig;
  keyType: CertKeyType;
  /** host:port of the DNS server to check the challenge at; undefined asks the zone's name servers. */
  dnsCheckServer?: string;
  renewBeforeDays: number;
  renewEveryMs: number;
  /** Renewal times of certificates are spread over this window (default 2 days). */
  renewJitterMs?: number;
  /** A failed renewal is tried again after firstMs, doubling to maxMs (default 1 h to 32 h). */
  renewRetry?: RenewalRetry;
  /** A renewal keeps the certificate's private key instead of a new one (default false). */
  renewReuseKey?: boolean;
  resume?: CertResumeSettings;
  /** The CA's CAA issuer domains (CERT_CAA_IDENTITIES); [] skips the CAA check. */
  caaIdentities?: readonly string[];
  /** How long new orders pause after a rateLimited answer without Retry-After (1 min doubling to 1 h). */
  caPause?: CaPauseBackoff;
  /** The issuance budget new orders and renewals are admitted against (default Let's Encrypt's). */
  budgets?: IssuanceBudgets;
  /** How often the admission run lets queued orders out (default 1 min). */
  admitEveryMs?: number;
  /** WORKER_CONCURRENCY: jobs at once per queue named; the others keep their row's. */
  concurrency?: Partial<Record<string, number>>;
  /** How long the challenge record may take to be served; past it the order fails. */
  propagationDeadlineMs?: number;
  /** How long the CA may take to validate the order; past it the order fails. */
  orderDeadlineMs?: number;
}

export interface CertStepSettings {
  keyType: CertKeyType;
  dnsCheckServer: string | undefined;
  renewBeforeDays: number;
  renewEveryMs: number;
  renewJitterMs: number;
  renewRetry: RenewalRetry;
  renewReuseKey: boolean;
  propagationDeadlineMs: number;
  orderDeadlineMs: number;
  resume: CertResumeSettings;
  caaIdentities: readonly string[];
  admitEveryMs: number;
}

export const CERT_STEP_SETTINGS = Symbol('CERT_FLOW_STEP_SETTINGS');

/** Let's Encrypt's CAA identity (and Pebble's stand-in for it in development and tests). */
export const DEFAULT_CAA_IDENTITIES: readonly string[] = ['letsencrypt.org'];

// 1,000 certificates issued in one minute renew over two days rather than in one run.
export const DEFAULT_RENEW_JITTER_MS = 2 * 86_400_000;

// A queued order starts at most a minute after the budget allows it.
const DEFAULT_ADMIT_EVERY_MS = 60_000;

// Route 53 takes about a minute to reach INSYNC; ten is generous.
const DEFAULT_PROPAGATION_DEADLINE_MS = 10 * 60_000;
// Let's Encrypt keeps a pending order for a week, but a user waits for this one.
const DEFAULT_ORDER_DEADLINE_MS = 15 * 60_000;

export function toCertStepSettings(options: CertFlowWorkerOptions): CertStepSettings {
  return {
    keyType: options.keyType,
    dnsCheckServer: options.dnsCheckServer,
    renewBeforeDays: options.renewBeforeDays,
    renewEveryMs: options.renewEveryMs,
    renewJitterMs: options.renewJitterMs ?? DEFAULT_RENEW_JITTER_MS,
    renewRetry: options.renewRetry ?? DEFAULT_RENEWAL_RETRY,
    renewReuseKey: options.renewReuseKey ?? false,
    propagationDeadlineMs: options.propagationDeadlineMs ?? DEFAULT_PROPAGATION_DEADLINE_MS,
    orderDeadlineMs: options.orderDeadlineMs ?? DEFAULT_ORDER_DEADLINE_MS,
    resume: options.resume ?? DEFAULT_CERT_RESUME,
    caaIdentities: options.caaIdentities ?? DEFAULT_CAA_IDENTITIES,
    admitEveryMs: options.admitEveryMs ?? DEFAULT_ADMIT_EVERY_MS,
  };
}
