import { NOTICE_KINDS, type NoticeKind } from '@starchart/flow-runtime/table';
import { z } from 'zod';

const DESCRIPTIONS: { readonly [K in NoticeKind]: string } = {
  'record-failed': 'A change to one of your records failed (with the reason).',
  'record-expiring': 'One of your records expires in 30 or 7 days (with a one-click renew link).',
  'record-removed': 'One of your records expired and was removed.',
  'certificate-issued': 'Your certificate was issued (or renewed).',
  'certificate-failed': 'Your certificate order failed (with the reason).',
  'certificate-renewal-failed':
    "Your certificate's renewal failed (with the current certificate's expiry).",
  'certificate-expiring': 'Your certificate expires within 14 days and no renewal has succeeded.',
  'certificate-revocation-failed':
    'You deleted your certificate but the CA did not revoke it, so it was kept (with the reason and its expiry).',
};

const shape = Object.fromEntries(
  NOTICE_KINDS.map((kind) => [
    kind,
    z.boolean({ error: 'must be true or false' }).meta({ description: DESCRIPTIONS[kind] }),
  ]),
) as Record<NoticeKind, z.ZodBoolean>;

/** Every kind of mail, and whether the person gets it. */
export const notificationPreferencesSchema = z
  .strictObject(shape)
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = Record<NoticeKind, boolean>;

/** The kinds to change; the others stay as they are. An unknown kind is refused. */
export const notificationPreferencesUpdateSchema = z
  .strictObject(shape)
  .partial()
  .meta({ id: 'NotificationPreferencesUpdate' });
export type NotificationPreferencesUpdate = Partial<NotificationPreferences>;
