import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import {
  MAX_NOTIFICATION_REASON_LENGTH,
  SentNotificationEntity,
  type SentNotificationStatus,
} from '../entities/sent-notification.entity';
import { UserEntity } from '../entities/user.entity';

/** Where to send a person's notices, and which kinds they turned off. */
export interface Recipient {
  email: string | null;
  off: string[];
}

/** The SQL of notifications: what was sent, and each person's address and preferences. */
@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectRepository(SentNotificationEntity)
    private readonly sent: Repository<SentNotificationEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  findSent(id: string): Promise<SentNotificationEntity | null> {
    return this.sent.findOneBy({ id });
  }

  /** The person's address and turned-off kinds; null when they never called the api. */
  async recipient(username: string): Promise<Recipient | null> {
    const user = await this.users.findOne({
      where: { username },
      select: { username: true, email: true, notificationsOff: true },
    });
    if (!user) return null;
    return { email: user.email, off: splitKinds(user.notificationsOff) };
  }

  /** The kinds the person turned off ([] for someone without a row yet). */
  async turnedOff(username: string): Promise<string[]> {
    return (await this.recipient(username))?.off ?? [];
  }

  /** Stores the kinds the person turned off, creating their row if they have none yet. */
  async setTurnedOff(username: string, off: readonly string[]): Promise<void> {
    await this.users.query(
      'INSERT INTO users (username, last_seen_at, notifications_off) VALUES (?, CURRENT_TIMESTAMP(3), ?) ' +
        'ON DUPLICATE KEY UPDATE notifications_off = VALUES(notifications_off)',
      [username, [...off].sort().join(',')],
    );
  }

  /** An attempt to send begins: the row says 'sending' and counts it. */
  async beginAttempt(id: string, username: string, kind: string): Promise<void> {
    await this.sent.query(
      'INSERT INTO sent_notifications (id, username, kind, status, attempts) VALUES (?, ?, ?, ?, 1) ' +
        'ON DUPLICATE KEY UPDATE status = VALUES(status), attempts = attempts + 1',
      [id, username, kind, 'sending'],
    );
  }

  /** A temporary failure: the row keeps saying 'sending', with the reason. */
  async noteFailure(id: string, reason: string): Promise<void> {
    await this.sent.update({ id }, { reason: reason.slice(0, MAX_NOTIFICATION_REASON_LENGTH) });
  }

  /** How the notice ended: sent (with its Message-ID), skipped or failed (with the reason). */
  async settle(
    row: { id: string; username: string; kind: string },
    status: Exclude<SentNotificationStatus, 'sending'>,
    details: { reason?: string; messageId?: string } = {},
  ): Promise<void> {
    const reason = details.reason?.slice(0, MAX_NOTIFICATION_REASON_LENGTH) ?? null;
    const sentAt = status === 'sent' ? new Date() : null;
    await this.sent.query(
      'INSERT INTO sent_notifications (id, username, kind, status, reason, message_id, sent_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), ' +
        'reason = VALUES(reason), message_id = VALUES(message_id), sent_at = VALUES(sent_at)',
      [row.id, row.username, row.kind, status, reason, details.messageId ?? null, sentAt],
    );
  }
}

function splitKinds(text: string): string[] {
  return text.split(',').filter(Boolean);
}
