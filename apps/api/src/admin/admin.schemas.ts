import {
  ADMIN_ACTION_OUTCOMES,
  ADMIN_ACTIONS,
  CERTIFICATE_STATUSES,
  DNS_RECORD_TYPES,
  MAX_LOCK_REASON_LENGTH,
  RECORD_STATUSES,
} from '@starchart/persistence';
import { z } from 'zod';
import { usernameProblem } from '../auth/principal';
import { certificateDetailSchema } from '../certificates/certificate.schemas';
import {
  flowStepSchema,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  recordViewSchema,
} from '../records/record.schemas';

/** The most records one person may be allowed, as RECORD_QUOTA allows. */
export const QUOTA_OVERRIDE_MAX = 10_000;
// A week of minutes: "pending for longer than" beyond that is a question for the reconciler.
const STUCK_MINUTES_MAX = 7 * 24 * 60;

const limitSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(PAGE_LIMIT_MAX, { error: `must be at most ${PAGE_LIMIT_MAX}` })
  .default(PAGE_LIMIT_DEFAULT)
  .meta({ description: 'Items per page.' });

const cursorSchema = z
  .string({ error: 'must be given once' })
  .min(1)
  .max(1024)
  .optional()
  .meta({ description: 'The nextCursor of the previous page.' });

export const usernameSchema = z
  .string({ error: 'must be given once' })
  .refine((u) => usernameProblem(u) === undefined, { error: 'is not a valid username' });

export const userSearchQuerySchema = z.strictObject({
  q: z
    .string({ error: 'must be given once' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(254)
    .optional()
    .meta({ description: 'A prefix of the username or of the e-mail address.' }),
  cursor: cursorSchema,
  limit: limitSchema,
});
export type UserSearchQuery = z.output<typeof userSearchQuerySchema>;

export const adminRecordsQuerySchema = z.strictObject({
  status: z
    .enum(RECORD_STATUSES, { error: `must be one of ${RECORD_STATUSES.join(', ')}` })
    .optional(),
  stuckForMinutes: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(STUCK_MINUTES_MAX, { error: `must be at most ${STUCK_MINUTES_MAX}` })
    .optional()
    .meta({
      description:
        'Only records unchanged for longer than this many minutes (with status=pending: stuck).',
    }),
  name: z
    .string({ error: 'must be given once' })
    .trim()
    .toLowerCase()
    .min(1, { error: 'must not be empty' })
    .max(253)
    .optional()
    .meta({ description: 'A prefix of the name (or of the full name).' }),
  type: z
    .enum(DNS_RECORD_TYPES, { error: `must be one of ${DNS_RECORD_TYPES.join(', ')}` })
    .optional(),
  username: usernameSchema.optional().meta({ description: 'Only this owner’s records.' }),
  cursor: cursorSchema,
  limit: limitSchema,
});
export type AdminRecordsQuery = z.output<typeof adminRecordsQuerySchema>;

export const auditQuerySchema = z.strictObject({
  username: usernameSchema.optional().meta({ description: 'Only actions on this person.' }),
  cursor: cursorSchema,
  limit: limitSchema,
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const lockUserSchema = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .min(1, { error: 'must say why, in words the person will read' })
      .max(MAX_LOCK_REASON_LENGTH, {
        error: `must be at most ${MAX_LOCK_REASON_LENGTH} characters`,
      }),
  })
  .meta({ id: 'LockUser' });
export type LockUserInput = z.output<typeof lockUserSchema>;

export const quotaOverrideSchema = z
  .strictObject({
    quota: z
      .number({ error: 'must be a whole number or null' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be at least 0' })
      .max(QUOTA_OVERRIDE_MAX, { error: `must be at most ${QUOTA_OVERRIDE_MAX}` })
      .nullable()
      .meta({ description: "The person's record quota; null gives them the server's again." }),
  })
  .meta({ id: 'QuotaOverride' });
export type QuotaOverrideInput = z.output<typeof quotaOverrideSchema>;

/** The body of an action that takes no input: an empty JSON object, so a form post is a 415. */
export const emptyBodySchema = z.strictObject({}).meta({ id: 'EmptyBody' });

export const deleteUserSchema = z
  .strictObject({
    confirm: z.string().meta({ description: 'The username again, as a confirmation.' }),
  })
  .meta({ id: 'DeleteUser' });
export type DeleteUserInput = z.output<typeof deleteUserSchema>;

export const userSummarySchema = z
  .object({
    username: z.string(),
    email: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime().nullable(),
    lock: z
      .object({ lockedAt: z.iso.datetime(), reason: z.string() })
      .nullable()
      .meta({ description: 'Set while the person is locked: their writes get 403.' }),
    quota: z.object({
      override: z.number().int().nullable(),
      effective: z.number().int().meta({ description: 'The override, or RECORD_QUOTA.' }),
    }),
    recordCount: z.number().int(),
    certificateStatus: z.enum(CERTIFICATE_STATUSES).nullable(),
  })
  .meta({ id: 'AdminUser' });
export type UserSummaryView = z.infer<typeof userSummarySchema>;

export const userPageSchema = z
  .object({ items: z.array(userSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AdminUserPage' });

export const adminRecordPageSchema = z
  .object({
    items: z.array(recordViewSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as ?cursor= for the next page; null on the last.' }),
  })
  .meta({ id: 'AdminRecordPage' });

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.enum(ADMIN_ACTIONS),
    targetUsername: z.string().nullable(),
    targetRecordId: z.string().nullable(),
    requestId: z.string(),
    outcome: z.enum(ADMIN_ACTION_OUTCOMES),
    detail: z.string().nullable(),
  })
  .meta({ id: 'AdminAuditEntry' });
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z
  .object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AdminAuditPage' });

export const recentFlowSchema = recordViewSchema
  .extend({
    steps: z
      .array(flowStepSchema)
      .nullable()
      .meta({ description: 'null when the queue cannot be reached right now.' }),
  })
  .meta({ id: 'AdminRecentFlow' });

export const userDetailSchema = z
  .object({
    user: userSummarySchema,
    records: adminRecordPageSchema.meta({
      description: 'The first page of their records; GET /api/v1/admin/records?username= for more.',
    }),
    certificate: certificateDetailSchema.nullable(),
    recentFlows: z.array(recentFlowSchema).meta({
      description: 'Their most recently changed records with the steps of each one’s latest flow.',
    }),
    audit: z.array(auditEntrySchema).meta({ description: 'The latest admin actions on them.' }),
  })
  .meta({ id: 'AdminUserDetail' });

export const userDeletionSchema = z
  .object({
    username: z.string(),
    state: z.enum(['deleting', 'deleted']).meta({
      description:
        'deleting: delete flows run (POST again once they are done); deleted: records, certificate and person are gone.',
    }),
    deleteFlowsStarted: z.number().int(),
    recordsLeft: z.number().int(),
    certificate: z.enum(['none', 'deleting', 'busy']).meta({
      description:
        'none: no certificate (left); deleting: being revoked and removed by a worker (POST again once it is gone); busy: an order runs.',
    }),
  })
  .meta({ id: 'AdminUserDeletion' });
export type UserDeletionView = z.infer<typeof userDeletionSchema>;
