import { MailDevInbox, testStack, type TestStack } from '@starchart/testing';
import type { ApiHarness } from './api-harness';

const DAY_MS = 86_400_000;

/** Where the mails' links point in tests: no portal runs there, the links are only read. */
export const TEST_WEB_URL = 'http://portal.starchart.test';

/** A worker's mail settings: the stack's MailDev (or `smtpUrl`), quick retries. */
export function mailEnv(
  stack: TestStack = testStack(),
  smtpUrl = stack.mail.smtpUrl,
): Record<string, string> {
  return {
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Starchart <starchart@starchart.test>',
    WEB_URL: TEST_WEB_URL,
    NOTIFICATION_FIRST_RETRY_MS: '500',
  };
}

/** The stack's MailDev inbox: tests tell their mails apart by their own unique recipients. */
export function stackInbox(stack: TestStack = testStack()): MailDevInbox {
  return new MailDevInbox(stack.mail.webUrl);
}

/**
 * People with an address (known to the api through a first call with it in their token), each
 * with a settled record per entry of `expiries`: its name and how many days from now it expires
 * (negative: expired already).
 */
export async function seedPeopleWithExpiringRecords(
  api: ApiHarness,
  people: readonly { username: string; email: string }[],
  expiries: readonly (readonly [name: string, days: number])[],
): Promise<void> {
  for (const { username, email } of people) {
    const token = await api.token(username, { email });
    const seen = await api.request('GET', '/api/v1/me/notifications', { token });
    if (seen.status !== 200) throw new Error(`${username} was not seen: ${seen.status}`);
    for (const [name, days] of expiries) {
      const id = await api.seedRecord(username, { name });
      await api.sql('UPDATE dns_records SET expires_at = ? WHERE id = ?', [
        new Date(Date.now() + days * DAY_MS),
        id,
      ]);
    }
  }
}
