import { z } from 'zod';

export const CERT_FLOW_OPS = ['issue', 'renew'] as const;
export type CertFlowOp = (typeof CERT_FLOW_OPS)[number];

const certificateSnapshot = {
  certificateId: z.string().min(1),
  username: z.string().min(1),
  /** The user's name first, then its wildcard. */
  domains: z.array(z.string().min(1)).min(1),
  /** `_acme-challenge.<username>.<ROOT_DOMAIN>`: both authorizations share it. */
  challengeName: z.string().min(1),
};

/**
 * The payload of every job of a certificate flow, shared by producer and processors. Every order
 * (the person's, a renewal, one the safety net starts again) is a new version of the row, and
 * the flow is keyed by it.
 */
export const certJobDataSchema = z.object({
  op: z.enum(CERT_FLOW_OPS),
  version: z.number().int().positive(),
  ...certificateSnapshot,
});
export type CertJobData = z.infer<typeof certJobDataSchema>;

/** What a later step needs to address the order again (the ACME order's URLs are public). */
export const orderRefSchema = z.object({
  url: z.string(),
  finalize: z.string(),
  authorizations: z.array(z.string()),
  identifiers: z.array(z.object({ type: z.string(), value: z.string() })),
});
export type OrderRef = z.infer<typeof orderRefSchema>;

/** create-acme-order: the order and the challenges it still needs (reused authorizations need none). */
export const createAcmeOrderResultSchema = z.object({
  order: orderRefSchema,
  challenges: z.array(z.object({ url: z.string(), token: z.string(), txtValue: z.string() })),
  /** When the CA took the order: its deadline counts from here, not from a pause before it. */
  orderedAt: z.number().optional(),
});
export type CreateAcmeOrderResult = z.infer<typeof createAcmeOrderResultSchema>;

/** write-challenge-record: the Route 53 change to wait for (null: nothing to write). */
export const writeChallengeRecordResultSchema = createAcmeOrderResultSchema.extend({
  changeId: z.string().nullable(),
  submittedAt: z.number(),
});
export type WriteChallengeRecordResult = z.infer<typeof writeChallengeRecordResultSchema>;

/** check-challenge-dns and validate-challenges pass the order on. */
export const orderStepResultSchema = createAcmeOrderResultSchema;
export type OrderStepResult = CreateAcmeOrderResult;

/** finalize-certificate: what was stored. Never the key: job values live in Redis. */
export const finalizeCertificateResultSchema = z.object({
  validFrom: z.string(),
  validTo: z.string(),
});
export type FinalizeCertificateResult = z.infer<typeof finalizeCertificateResultSchema>;

/** cleanup-challenge: how the flow ended. */
export interface CleanupChallengeResult {
  outcome: 'issued' | 'failed' | 'gone';
  reason: string | null;
  removedChallengeValues: number;
}

/** resume-certificates: what one run of the safety net did. */
export interface ResumeCertificatesResult {
  /** Certificates pending or renewing. */
  scanned: number;
  /** Orders whose flow was gone or had failed, started again as a new version. */
  resumed: number;
  /** Orders resumed as often as the bound allows, now failed with the reason. */
  gaveUp: number;
  /** Orders whose flow is live, or that changed within the grace period. */
  skippedInFlight: number;
  /** Certificates the run could not handle (Redis, the database or Route 53 failing); the next run tries again. */
  failed: number;
  durationMs: number;
}

/** renew-certificates: the certificates it started renewing, and how many near their end it told of. */
export interface RenewCertificatesResult {
  started: string[];
  expiringNoticed: number;
}

/**
 * The payload of both jobs of a certificate's delete flow. `revoke` false: removed without
 * asking the CA, as someone decided after the CA refused to revoke it.
 */
export const certDeleteJobDataSchema = z.object({
  certificateId: z.string().min(1),
  username: z.string().min(1),
  version: z.number().int().positive(),
  challengeName: z.string().min(1),
  revoke: z.boolean(),
});
export type CertDeleteJobData = z.infer<typeof certDeleteJobDataSchema>;

/** revoke-certificate: what the CA was told; `serial` (hex) of the certificate, when one was stored. */
export const revokeCertificateResultSchema = z.object({
  outcome: z.enum(['revoked', 'already-revoked', 'never-issued', 'not-asked']),
  serial: z.string().nullable(),
});
export type RevokeCertificateResult = z.infer<typeof revokeCertificateResultSchema>;

/** remove-certificate: how the delete ended. */
export interface RemoveCertificateResult {
  outcome: 'removed' | 'revocation-failed' | 'gone';
  reason: string | null;
  removedChallengeValues: number;
}

/** The admission run's report: the certificates it let out of the queue, first come first served. */
export interface AdmitCertificatesResult {
  admitted: string[];
}
