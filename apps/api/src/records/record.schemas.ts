import { DNS_QUEUES, type StepState } from '@starchart/dns-flow';
import { DNS_RECORD_TYPES, type DnsRecordType, RECORD_STATUSES } from '@starchart/persistence';
import { z } from 'zod';
import { usernameProblem } from '../auth/principal';
import {
  PRIORITY_MAX,
  PRIORITY_MIN,
  TTL_DEFAULT,
  TTL_MAX,
  TTL_MIN,
  TXT_MAX_LENGTH,
} from '@starchart/record-rules';
import { checkName, checkSrvName, checkValue } from './record-rules';

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

/** Missing fields say so; present ones of the wrong kind say what they must be. */
const expecting =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : what;

const ttlSchema = z
  .number({ error: expecting('must be a number of seconds') })
  .int({ error: 'must be a whole number of seconds' })
  .min(TTL_MIN, { error: `must be at least ${TTL_MIN} seconds` })
  .max(TTL_MAX, { error: `must be at most ${TTL_MAX} seconds (one day)` })
  .meta({ description: 'Seconds resolvers may cache the answer.', example: TTL_DEFAULT });

const prioritySchema = z
  .number({ error: expecting('must be a number') })
  .int({ error: 'must be a whole number' })
  .min(PRIORITY_MIN, { error: `must be at least ${PRIORITY_MIN}` })
  .max(PRIORITY_MAX, { error: `must be at most ${PRIORITY_MAX}` })
  .meta({ description: 'MX and SRV only: lower is preferred.', example: 10 });

/** An SRV record's 16-bit weight or port (RFC 2782). */
const uint16Schema = (description: string, example: number) =>
  z
    .number({ error: expecting('must be a number') })
    .int({ error: 'must be a whole number' })
    .min(PRIORITY_MIN, { error: `must be at least ${PRIORITY_MIN}` })
    .max(PRIORITY_MAX, { error: `must be at most ${PRIORITY_MAX}` })
    .meta({ description, example });

const weightSchema = uint16Schema(
  'SRV only: how targets of equal priority share the load (0: no preference).',
  5,
);
const portSchema = uint16Schema('SRV only: the port the service listens on.', 5060);

const valueSchema = z.string({ error: expecting('must be a string') }).meta({
  description: `A: IPv4 address; AAAA: IPv6 address; CNAME and MX: a host name; SRV: the target host name ("." for none); TXT: up to ${TXT_MAX_LENGTH} printable ASCII characters; CAA: flags, tag (issue, issuewild, iodef) and quoted value, as in 0 issue "letsencrypt.org".`,
  example: '192.0.2.10',
});

const nameSchema = z
  .string({ error: expecting('must be a string') })
  .transform((input, ctx) => {
    const name = checkName(input);
    if (name.ok) return name.value;
    ctx.addIssue({ code: 'custom', message: name.message });
    return z.NEVER;
  })
  .meta({
    description:
      'Relative to your zone <username>.<ROOT_DOMAIN>: "www", "_dmarc", "a.b", "*" or "*.dev", or "@" for the zone name itself. Case-insensitive.',
    example: 'www',
  });

/** The number fields each type has: priority for MX and SRV, weight and port for SRV. */
const NUMBER_FIELDS = {
  priority: ['MX', 'SRV'],
  weight: ['SRV'],
  port: ['SRV'],
} as const satisfies Record<string, readonly DnsRecordType[]>;
export type NumberField = keyof typeof NUMBER_FIELDS;

/** Why `field` may not be given (or must be) on a record of `type`, or undefined. */
export function numberFieldIssue(
  field: NumberField,
  type: DnsRecordType,
  given: boolean,
): string | undefined {
  const types: readonly DnsRecordType[] = NUMBER_FIELDS[field];
  if (types.includes(type)) return given ? undefined : `is required for an ${type} record`;
  return given ? `is only allowed on ${types.join(' and ')} records` : undefined;
}

export const createRecordSchema = z
  .strictObject({
    name: nameSchema,
    type: z.enum(DNS_RECORD_TYPES, {
      error: expecting(`must be one of ${DNS_RECORD_TYPES.join(', ')}`),
    }),
    value: valueSchema,
    ttl: ttlSchema.default(TTL_DEFAULT),
    priority: prioritySchema.optional(),
    weight: weightSchema.optional(),
    port: portSchema.optional(),
  })
  .transform((input, ctx) => {
    let valid = true;
    const issue = (path: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [path], message });
      valid = false;
    };
    if (input.type === 'SRV') {
      const name = checkSrvName(input.name);
      if (!name.ok) issue('name', name.message);
    }
    const value = checkValue(input.type, input.value);
    if (!value.ok) issue('value', value.message);
    for (const field of ['priority', 'weight', 'port'] as const) {
      const problem = numberFieldIssue(field, input.type, input[field] !== undefined);
      if (problem) issue(field, problem);
    }
    if (!valid || !value.ok) return z.NEVER;
    return {
      name: input.name,
      type: input.type,
      value: value.value,
      ttl: input.ttl,
      priority: input.priority ?? null,
      weight: input.weight ?? null,
      port: input.port ?? null,
    };
  })
  .meta({ id: 'CreateRecord' });

export type CreateRecordInput = z.output<typeof createRecordSchema>;

/** Value, TTL, priority, weight and port can change; name and type cannot (delete and create instead). */
export const updateRecordSchema = z
  .strictObject({
    value: valueSchema.optional(),
    ttl: ttlSchema.optional(),
    priority: prioritySchema.optional(),
    weight: weightSchema.optional(),
    port: portSchema.optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    error: 'send at least one of value, ttl, priority, weight and port',
  })
  .meta({ id: 'UpdateRecord' });

export type UpdateRecordInput = z.output<typeof updateRecordSchema>;

export const listRecordsQuerySchema = z
  .strictObject({
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(PAGE_LIMIT_MAX, { error: `must be at most ${PAGE_LIMIT_MAX}` })
      .default(PAGE_LIMIT_DEFAULT)
      .meta({ description: 'Records per page.' }),
    cursor: z
      .string({ error: 'must be given once' })
      .min(1)
      .max(1024)
      .optional()
      .meta({ description: 'The nextCursor of the previous page.' }),
    page: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(100_000, { error: 'is too large' })
      .optional()
      .meta({ description: '1-based page number, instead of cursor.' }),
    q: z
      .string({ error: 'must be given once' })
      .trim()
      .toLowerCase()
      .max(253, { error: 'must be at most 253 characters' })
      .optional()
      .meta({
        description:
          'Only records whose full name starts with this text: "www" finds www.<username>.<ROOT_DOMAIN> and www2…; case-insensitive.',
      }),
    username: z
      .string({ error: 'must be given once' })
      .refine((u) => usernameProblem(u) === undefined, { error: 'is not a valid username' })
      .optional()
      .meta({ description: "Admins only: list this user's records." }),
  })
  .refine((query) => query.cursor === undefined || query.page === undefined, {
    error: 'use either cursor or page, not both',
    path: ['page'],
  });

export type ListRecordsQuery = z.output<typeof listRecordsQuerySchema>;

export const recordViewSchema = z
  .object({
    id: z.uuid(),
    username: z.string().meta({ description: 'Owner of the record.' }),
    name: z.string().meta({ example: 'www' }),
    fqdn: z.string().meta({ example: 'www.alice.starchart.example.com' }),
    type: z.enum(DNS_RECORD_TYPES),
    value: z.string(),
    priority: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'MX and SRV only; null for other types.' }),
    weight: z.number().int().nullable().meta({ description: 'SRV only; null for other types.' }),
    port: z.number().int().nullable().meta({ description: 'SRV only; null for other types.' }),
    ttl: z.number().int(),
    status: z.enum(RECORD_STATUSES).meta({
      description:
        'pending: being created or changed; active: answering in DNS; error: see statusReason; deleting: being removed.',
    }),
    statusReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().meta({
      description:
        'When the record is removed unless renewed (POST /api/v1/records/{id}/renew): its last create, update or renew plus the record lifetime.',
    }),
  })
  .meta({ id: 'DnsRecord' });

export type RecordView = z.infer<typeof recordViewSchema>;

const STEP_STATES = [
  'waiting',
  'waiting-children',
  'delayed',
  'active',
  'completed',
  'failed',
  'prioritized',
  'unknown',
] as const satisfies readonly StepState[];

export const flowStepSchema = z
  .object({
    step: z.enum(DNS_QUEUES),
    jobId: z.string(),
    state: z.enum(STEP_STATES),
    attempts: z.number().int(),
    failedReason: z.string().nullable(),
    returnValue: z.unknown(),
    processedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'FlowStep' });

export const recordDetailSchema = recordViewSchema
  .extend({
    steps: z.array(flowStepSchema).nullable().meta({
      description:
        'The steps of the latest flow, root first; null when the queue cannot be reached right now.',
    }),
  })
  .meta({ id: 'DnsRecordWithSteps' });

export const recordPageSchema = z
  .object({
    items: z.array(recordViewSchema),
    total: z.number().int(),
    limit: z.number().int(),
    quota: z.number().int().meta({
      description:
        "The most records the listed user may have (an admin's override, else the server's).",
    }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as ?cursor= for the next page; null on the last.' }),
  })
  .meta({ id: 'DnsRecordPage' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    retryable: z.boolean(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })),
    instance: z.string().optional(),
    requestId: z.string().optional(),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details; errors[] names each offending field.',
  });
