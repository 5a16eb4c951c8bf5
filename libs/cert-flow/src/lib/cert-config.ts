import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  CERT_KEY_TYPES,
  DEFAULT_CAA_IDENTITIES,
  DEFAULT_CERT_RESUME,
  type AcmeConfig,
  type CertKeyType,
  type CertResumeSettings,
  type EncryptionConfig,
} from './cert-flow-options';
import type { CaPauseBackoff } from './acme/ca-pause';
import {
  DEFAULT_NEW_CERTIFICATES_PER_WEEK,
  DEFAULT_ORDERS_PER_3H,
  issuanceBudgets,
  type IssuanceBudgets,
} from './admission/issuance-budget';
import { encryptionKeySchema } from './key-cipher';
import type { RenewalRetry } from './renewal/renewal-schedule';

const optionalString = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `6h`, `30m`, `2d`... in ms, at least `minMs`. */
function duration(fallback: string, minMs: number) {
  return z
    .string()
    .trim()
    .default(fallback)
    .transform((text, ctx) => {
      const match = DURATION.exec(text);
      const ms = match?.[1] && match[2] ? Number(match[1]) * (UNIT_MS[match[2]] ?? 0) : -1;
      if (ms < minMs)
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration of ${minMs === 0 ? '0s' : `${minMs / 1_000}s`} or more, e.g. 6h or 30m`,
        });
      return ms;
    });
}

/** Environment fragment of every app that reads or writes certificate private keys (api, worker). */
export const certEncryptionEnvSchema = z.object({
  CERT_ENCRYPTION_KEY: optionalString.pipe(encryptionKeySchema.optional()),
  // Keys rotated out, comma-separated: still open what they sealed.
  CERT_ENCRYPTION_RETIRED_KEYS: optionalString.pipe(
    z
      .string()
      .transform((text) => text.split(',').map((key) => key.trim()))
      .pipe(z.array(encryptionKeySchema))
      .optional(),
  ),
});

/**
 * Environment fragment of every app that admits certificate orders (api, worker): the issuance
 * budget, shared by all of them through Redis. Keep the limits at or under the CA's (Let's
 * Encrypt: 50 new certificates per registered domain per week, 300 new orders per 3 h).
 */
export const certBudgetEnvSchema = z.object({
  CERT_BUDGET_NEW_PER_WEEK: z.coerce
    .number({ error: 'must be a whole number of certificates' })
    .int()
    .min(1)
    .max(1_000_000)
    .default(DEFAULT_NEW_CERTIFICATES_PER_WEEK),
  CERT_BUDGET_ORDERS_PER_3H: z.coerce
    .number({ error: 'must be a whole number of orders' })
    .int()
    .min(1)
    .max(1_000_000)
    .default(DEFAULT_ORDERS_PER_3H),
});

export function toIssuanceBudgets(env: z.infer<typeof certBudgetEnvSchema>): IssuanceBudgets {
  return issuanceBudgets({
    newCertificatesPerWeek: env.CERT_BUDGET_NEW_PER_WEEK,
    ordersPer3h: env.CERT_BUDGET_ORDERS_PER_3H,
  });
}

/**
 * Environment fragment of the worker's certificate flow. Without ACME_DIRECTORY_URL the worker
 * processes no certificates; with it, CERT_ENCRYPTION_KEY is required.
 */
export const acmeEnvSchema = z.object({
  ...certEncryptionEnvSchema.shape,
  ...certBudgetEnvSchema.shape,
  // How often the admission run lets queued orders out as the budget allows.
  CERT_ADMIT_EVERY: duration('1m', 100),
  ACME_DIRECTORY_URL: optionalString.pipe(
    z
      .url({ protocol: /^https$/, error: 'must be the https:// URL of an ACME directory' })
      .optional(),
  ),
  ACME_CA_CERT_PATH: optionalString,
  ACME_CONTACT_EMAIL: optionalString.pipe(z.email().optional()),
  ACME_ACCOUNT_KEY: optionalString.pipe(
    z.string().includes('PRIVATE KEY', { error: 'must be a PEM private key' }).optional(),
  ),
  CERT_KEY_TYPE: z.enum(CERT_KEY_TYPES).default('ecdsa-p256'),
  ACME_DNS_CHECK_SERVER: optionalString.pipe(
    z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, { error: 'must be host:port, e.g. 127.0.0.1:1053' })
      .optional(),
  ),
  // The CA's CAA issuer domains, checked before each order; `off` skips the check.
  CERT_CAA_IDENTITIES: z
    .string()
    .trim()
    .toLowerCase()
    .default(DEFAULT_CAA_IDENTITIES.join(','))
    .transform((text) =>
      text === 'off' ? [] : text.split(',').map((identity) => identity.trim().replace(/\.$/, '')),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/, {
            error: 'must be CA domain names, comma-separated (e.g. letsencrypt.org), or off',
          }),
      ),
    ),
  CERT_RENEW_BEFORE_DAYS: z.coerce.number().int().min(1).max(60).default(30),
  CERT_RENEW_EVERY: duration('6h', 1_000),
  // Renewal times spread over this window, per certificate (0: all at two thirds).
  CERT_RENEW_JITTER: duration('2d', 0),
  // A failed renewal is tried again after the first, doubling up to the max.
  CERT_RENEW_RETRY_FIRST: duration('1h', 1_000),
  CERT_RENEW_RETRY_MAX: duration('32h', 1_000),
  // A renewal gets a new private key unless this is true (the key then stays the same).
  CERT_RENEW_REUSE_KEY: z.stringbool({ error: 'must be true or false' }).default(false),
  // A rateLimited answer without Retry-After pauses new orders this long, doubling up to the max.
  ACME_RATE_LIMIT_PAUSE_FIRST: duration('1m', 1_000),
  ACME_RATE_LIMIT_PAUSE_MAX: duration('1h', 1_000),
  // The safety net: up to a day between runs (0: off), like RECONCILE_EVERY_MS.
  CERT_RESUME_EVERY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(DEFAULT_CERT_RESUME.everyMs),
  CERT_RESUME_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(DEFAULT_CERT_RESUME.graceMs),
  CERT_RESUME_MAX: z.coerce.number().int().min(0).max(100).default(DEFAULT_CERT_RESUME.maxResumes),
});

export type AcmeEnv = z.infer<typeof acmeEnvSchema>;

/** What the worker needs to issue and renew certificates. */
export interface CertWorkerConfig {
  acme: AcmeConfig;
  encryption: EncryptionConfig;
  keyType: CertKeyType;
  dnsCheckServer?: string;
  caaIdentities: readonly string[];
  renewBeforeDays: number;
  renewEveryMs: number;
  renewJitterMs: number;
  renewRetry: RenewalRetry;
  renewReuseKey: boolean;
  resume: CertResumeSettings;
  caPause: CaPauseBackoff;
  budgets: IssuanceBudgets;
  admitEveryMs: number;
}

export function toEncryptionConfig(
  env: z.infer<typeof certEncryptionEnvSchema>,
): EncryptionConfig | undefined {
  if (env.CERT_ENCRYPTION_KEY === undefined) return undefined;
  return { key: env.CERT_ENCRYPTION_KEY, retiredKeys: env.CERT_ENCRYPTION_RETIRED_KEYS ?? [] };
}

/** Problems the schema cannot see alone: a key that must be there, a CA file that must exist. */
export function certConfigProblems(env: AcmeEnv): { path: string; message: string }[] {
  if (env.ACME_DIRECTORY_URL === undefined) return [];
  const problems: { path: string; message: string }[] = [];
  if (env.CERT_ENCRYPTION_KEY === undefined)
    problems.push({
      path: 'CERT_ENCRYPTION_KEY',
      message: 'is required with ACME_DIRECTORY_URL: 32 random bytes, base64',
    });
  if (env.ACME_CA_CERT_PATH !== undefined) {
    try {
      readFileSync(env.ACME_CA_CERT_PATH);
    } catch {
      problems.push({ path: 'ACME_CA_CERT_PATH', message: 'cannot be read' });
    }
  }
  return problems;
}

/** undefined when the worker issues no certificates (no ACME_DIRECTORY_URL). */
export function toCertWorkerConfig(env: AcmeEnv): CertWorkerConfig | undefined {
  const encryption = toEncryptionConfig(env);
  if (env.ACME_DIRECTORY_URL === undefined || encryption === undefined) return undefined;
  return {
    acme: {
      directoryUrl: env.ACME_DIRECTORY_URL,
      ...(env.ACME_CA_CERT_PATH !== undefined && {
        caCertPem: readFileSync(env.ACME_CA_CERT_PATH, 'utf8'),
      }),
      ...(env.ACME_CONTACT_EMAIL !== undefined && { contactEmail: env.ACME_CONTACT_EMAIL }),
      ...(env.ACME_ACCOUNT_KEY !== undefined && { accountKeyPem: env.ACME_ACCOUNT_KEY }),
    },
    encryption,
    keyType: env.CERT_KEY_TYPE,
    ...(env.ACME_DNS_CHECK_SERVER !== undefined && { dnsCheckServer: env.ACME_DNS_CHECK_SERVER }),
    caaIdentities: env.CERT_CAA_IDENTITIES,
    renewBeforeDays: env.CERT_RENEW_BEFORE_DAYS,
    renewEveryMs: env.CERT_RENEW_EVERY,
    renewJitterMs: env.CERT_RENEW_JITTER,
    renewRetry: {
      firstMs: env.CERT_RENEW_RETRY_FIRST,
      maxMs: Math.max(env.CERT_RENEW_RETRY_FIRST, env.CERT_RENEW_RETRY_MAX),
    },
    renewReuseKey: env.CERT_RENEW_REUSE_KEY,
    resume: {
      everyMs: env.CERT_RESUME_EVERY_MS,
      graceMs: env.CERT_RESUME_GRACE_MS,
      maxResumes: env.CERT_RESUME_MAX,
    },
    caPause: {
      firstMs: env.ACME_RATE_LIMIT_PAUSE_FIRST,
      maxMs: Math.max(env.ACME_RATE_LIMIT_PAUSE_FIRST, env.ACME_RATE_LIMIT_PAUSE_MAX),
    },
    budgets: toIssuanceBudgets(env),
    admitEveryMs: env.CERT_ADMIT_EVERY,
  };
}
