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
 * The payload of every job of a certificate flow, shared by producer and processors: an issue
 * is keyed by the row's version, a renewal by the validTo of the certificate it replaces.
 */
export const certJobDataSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('issue'),
    version: z.number().int().positive(),
    ...certificateSnapshot,
  }),
  z.object({
    op: z.literal('renew'),
    replacesValidTo: z.number().int().nonnegative(),
    ...certificateSnapshot,
  }),
]);
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

/** renew-certificates: the certificates it started renewing. */
export interface RenewCertificatesResult {
  started: string[];
}
