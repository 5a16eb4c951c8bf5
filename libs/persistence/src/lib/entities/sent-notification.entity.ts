import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from './timestamp-columns';

/**
 * sending: an attempt began (it may have reached the mail server); sent: the server took it;
 * skipped: nobody to send to (no address, or the person turned the kind off); failed: the
 * server refused it for good.
 */
export const SENT_NOTIFICATION_STATUSES = ['sending', 'sent', 'skipped', 'failed'] as const;
export type SentNotificationStatus = (typeof SENT_NOTIFICATION_STATUSES)[number];

/** Longer reasons are cut to fit the column. */
export const MAX_NOTIFICATION_REASON_LENGTH = 1024;

/**
 * What became of each notice, keyed by its deterministic id: the record that makes a second
 * job for the same event (a retry, a restarted worker, a re-run scheduler) send nothing.
 */
@Entity('sent_notifications')
// A person's notifications, newest first.
@Index('IDX_sent_notifications_username_created_at', ['username', 'createdAt'])
export class SentNotificationEntity {
  /** The notice's id (noticeId): kind, subject and the event, e.g. record-failed-<id>-v3. */
  @PrimaryColumn({ type: 'varchar', length: 191 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ type: 'enum', enum: SENT_NOTIFICATION_STATUSES })
  status!: SentNotificationStatus;

  /** Why it was skipped or failed, or the last temporary failure. */
  @Column({ type: 'varchar', length: MAX_NOTIFICATION_REASON_LENGTH, nullable: true })
  reason!: string | null;

  /** Attempts to hand it to the mail server. */
  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  /** The Message-ID of the mail sent. */
  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId!: string | null;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}
