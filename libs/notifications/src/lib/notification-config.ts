import { z } from 'zod';

/** Environment fragment of the worker: where mail goes, and what its links point at. */
export const notificationEnvSchema = z.object({
  // Unset: no mail is sent (and no notice is queued).
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z.string().min(3).default('Starchart <starchart@localhost>'),
  // The web portal, for the links in every mail: https://starchart.example.com
  WEB_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) URL of the web portal' })
    .optional(),
  // A temporary SMTP failure is tried again after this, then twice as long each time.
  NOTIFICATION_FIRST_RETRY_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  // 14 attempts from 10 s: the last is about 23 hours after the first.
  NOTIFICATION_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(14),
});
export type NotificationEnv = z.infer<typeof notificationEnvSchema>;

export interface NotificationConfig {
  smtpUrl: string;
  from: string;
  /** No trailing slash. */
  webUrl: string;
  retry: { attempts: number; firstRetryMs: number };
}

/** A problem with the variables that only shows in combination. */
export function notificationConfigProblems(
  env: NotificationEnv,
): { path: string; message: string }[] {
  if (env.SMTP_URL !== undefined && env.WEB_URL === undefined)
    return [
      { path: 'WEB_URL', message: 'is required with SMTP_URL: every mail links to the web portal' },
    ];
  return [];
}

/** undefined: SMTP_URL unset, this worker sends no mail. */
export function toNotificationConfig(env: NotificationEnv): NotificationConfig | undefined {
  if (env.SMTP_URL === undefined || env.WEB_URL === undefined) return undefined;
  return {
    smtpUrl: env.SMTP_URL,
    from: env.MAIL_FROM,
    webUrl: env.WEB_URL.replace(/\/+$/, ''),
    retry: { attempts: env.NOTIFICATION_ATTEMPTS, firstRetryMs: env.NOTIFICATION_FIRST_RETRY_MS },
  };
}
