import { z } from 'zod';

const addressSchema = z.object({ address: z.string(), name: z.string().optional() });

/** A mail as MailDev's REST API (`GET /api/email`) describes it: the parts tests read. */
const mailSchema = z.object({
  id: z.string(),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  to: z.array(addressSchema),
  from: z.array(addressSchema),
  headers: z.record(z.string(), z.unknown()).optional(),
});
export type InboxMail = z.infer<typeof mailSchema>;

/** The mail's Message-ID header (MailDev keeps it among the headers only). */
export function messageIdOf(mail: InboxMail): string | undefined {
  const value = mail.headers?.['message-id'];
  return typeof value === 'string' ? value : undefined;
}

/** MailDev's inbox at `webUrl`, read and cleared through its REST API. */
export class MailDevInbox {
  constructor(readonly webUrl: string) {}

  /** Every mail in the inbox, or only those to one of `recipients`. */
  async mails(recipients?: readonly string[]): Promise<InboxMail[]> {
    const response = await fetch(`${this.webUrl}/api/email`);
    if (!response.ok) throw new Error(`MailDev answered ${response.status}`);
    const all = z.array(mailSchema).parse(await response.json());
    if (!recipients) return all;
    const wanted = new Set(recipients.map((address) => address.toLowerCase()));
    return all.filter((mail) => mail.to.some((to) => wanted.has(to.address.toLowerCase())));
  }

  /**
   * Waits until at least `count` mails to the recipients are in, then a little longer (a mail
   * sent twice would arrive then), and returns them all.
   */
  async waitFor(
    recipients: readonly string[],
    count: number,
    { timeoutMs = 30_000, settleMs = 1_000 } = {},
  ): Promise<InboxMail[]> {
    const deadline = Date.now() + timeoutMs;
    let mails = await this.mails(recipients);
    while (mails.length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `${mails.length} of ${count} mails arrived in ${timeoutMs} ms: ${mails.map((mail) => mail.subject).join('; ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
      mails = await this.mails(recipients);
    }
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return this.mails(recipients);
  }
}
