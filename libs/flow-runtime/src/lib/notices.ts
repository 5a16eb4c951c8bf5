import { z } from 'zod';

/**
 * What a flow tells the person it works for. The flow libraries hand notices to the NoticeSink
 * the worker app provides (libs/notifications: one send-notification job per notice); a flow
 * lib never imports the notifications lib, as it never imports another flow lib.
 */
export const NOTICE_KINDS = [
  'record-failed',
  'record-expiring',
  'record-removed',
  'certificate-issued',
  'certificate-failed',
  'certificate-renewal-failed',
  'certificate-expiring',
  'certificate-revocation-failed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

const record = {
  username: z.string().min(1),
  recordId: z.string().min(1),
  fqdn: z.string().min(1),
  type: z.string().min(1),
};
const certificate = {
  username: z.string().min(1),
  certificateId: z.string().min(1),
  domains: z.array(z.string().min(1)).min(1),
};
const isoDate = z.iso.datetime();

/** Every notice, by kind: the payload of a send-notification job. */
export const noticeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('record-failed'),
    ...record,
    version: z.number().int().positive(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('record-expiring'),
    ...record,
    expiresAt: isoDate,
    daysBefore: z.number().int().positive(),
  }),
  z.object({ kind: z.literal('record-removed'), ...record, expiresAt: isoDate }),
  z.object({ kind: z.literal('certificate-issued'), ...certificate, validTo: isoDate }),
  z.object({
    kind: z.literal('certificate-failed'),
    ...certificate,
    flowId: z.string().min(1),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('certificate-renewal-failed'),
    ...certificate,
    flowId: z.string().min(1),
    reason: z.string(),
    /** The certificate still in use, which the renewal was to replace. */
    validTo: isoDate,
  }),
  z.object({ kind: z.literal('certificate-expiring'), ...certificate, validTo: isoDate }),
  z.object({
    kind: z.literal('certificate-revocation-failed'),
    ...certificate,
    /** The delete flow the CA refused: one notice per refusal. */
    flowId: z.string().min(1),
    /** Why the CA did not revoke it (or why the delete did not finish). */
    reason: z.string(),
    /** The certificate kept, still valid and served, until then. */
    validTo: isoDate,
  }),
]);
export type Notice = z.infer<typeof noticeSchema>;
export type NoticeOf<K extends NoticeKind> = Extract<Notice, { kind: K }>;

/**
 * One id per event, derived from what happened, never from when it was noticed: the same event
 * seen twice (a retried step, two runs of a scheduler, two workers) has the same id, so it is
 * sent once. No ':' (BullMQ's key separator).
 */
export function noticeId(notice: Notice): string {
  const at = (iso: string): number => Date.parse(iso);
  switch (notice.kind) {
    case 'record-failed':
      return `${notice.kind}-${notice.recordId}-v${notice.version}`;
    case 'record-removed':
      return `${notice.kind}-${notice.recordId}-${at(notice.expiresAt)}`;
    case 'record-expiring':
      return `${notice.kind}-${notice.recordId}-${notice.daysBefore}d-${at(notice.expiresAt)}`;
    case 'certificate-issued':
    case 'certificate-expiring':
      return `${notice.kind}-${notice.certificateId}-${at(notice.validTo)}`;
    case 'certificate-failed':
    case 'certificate-renewal-failed':
    case 'certificate-revocation-failed':
      return `${notice.kind}-${notice.flowId}`;
  }
}

/** Takes notices for delivery; resolves once the notice is safely queued (or was already). */
export interface NoticeSink {
  notify(notice: Notice): Promise<void>;
}

/** Injection token of the app's NoticeSink; absent, flows tell nobody. */
export const NOTICE_SINK = Symbol('NOTICE_SINK');
