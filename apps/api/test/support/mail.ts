import { MailDevInbox, testStack, type TestStack } from '@starchart/testing';

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
