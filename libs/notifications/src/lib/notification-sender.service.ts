import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { noticeId, type Notice } from '@starchart/flow-runtime';
import { NotificationsRepository } from '@starchart/persistence';
import { SmtpRefusedError } from './errors';
import { Mailer } from './mailer';
import type { NotificationConfig } from './notification-config';
import { NOTIFICATION_CONFIG } from './notification-queues';
import { renderNotice } from './render';

/** What one send-notification job did. */
export interface DeliveryResult {
  id: string;
  outcome: 'sent' | 'already-sent' | 'skipped';
  reason: string | null;
  messageId: string | null;
}

/**
 * Sends one notice at most once. The row in sent_notifications, keyed by the notice's id, says
 * whether it went out already: a second job for the same event (its job retained no longer, a
 * retry after the mail server took the mail) sends nothing. The one window left is between the
 * server's "250 OK" and the row's update, a few milliseconds: a worker killed exactly there sends
 * that mail again on its retry.
 */
@Injectable()
export class NotificationSender implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationSender.name);
  private readonly mailer: Mailer;
  private readonly host: string;

  constructor(
    private readonly repository: NotificationsRepository,
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
  ) {
    this.mailer = new Mailer(config.smtpUrl, config.from);
    this.host = new URL(config.webUrl).hostname;
  }

  async deliver(notice: Notice): Promise<DeliveryResult> {
    const id = noticeId(notice);
    const row = { id, username: notice.username, kind: notice.kind };
    const earlier = await this.repository.findSent(id);
    if (earlier && earlier.status !== 'sending' && earlier.status !== 'failed')
      return { id, outcome: 'already-sent', reason: earlier.reason, messageId: earlier.messageId };

    const recipient = await this.repository.recipient(notice.username);
    const skip = !recipient?.email
      ? 'the person has no email address'
      : recipient.off.includes(notice.kind)
        ? `the person turned ${notice.kind} mails off`
        : undefined;
    if (skip || !recipient?.email) {
      const reason = skip ?? 'no address';
      await this.repository.settle(row, 'skipped', { reason });
      return { id, outcome: 'skipped', reason, messageId: null };
    }

    await this.repository.beginAttempt(id, notice.username, notice.kind);
    const mail = renderNotice(notice, this.config.webUrl);
    try {
      const sent = await this.mailer.send({
        to: recipient.email,
        ...mail,
        messageId: `<${id}@${this.host}>`,
      });
      await this.repository.settle(row, 'sent', { messageId: sent.messageId });
      return { id, outcome: 'sent', reason: null, messageId: sent.messageId };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof SmtpRefusedError) {
        await this.repository.settle(row, 'failed', { reason });
      } else {
        await this.repository.noteFailure(id, reason);
      }
      this.logger.warn(`${id}: ${reason}`);
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.mailer.close();
  }
}
