import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { explainSmtpFailure } from './errors';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@host>`: the same notice carries the same Message-ID, whatever the attempt. */
  messageId: string;
}

/** Hands mails to the SMTP server; throws SmtpUnavailableError or SmtpRefusedError. */
export class Mailer {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    // One connection per mail: nothing is pooled that a dead server could leave half open.
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    try {
      const info = await this.transport.sendMail({ from: this.from, ...mail });
      return { messageId: info.messageId, response: info.response };
    } catch (error) {
      throw explainSmtpFailure(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}
