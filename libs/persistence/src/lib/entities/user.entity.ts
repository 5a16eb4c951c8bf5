import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from './timestamp-columns';

/** The longest address SMTP carries (RFC 5321: a 256-octet path less its angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/** Longer lock reasons are cut to fit the column. */
export const MAX_LOCK_REASON_LENGTH = 500;

/** A person who has called the api, with the address their identity provider gave last. */
@Entity('users')
// Admins find a person by a prefix of their address.
@Index('IDX_users_email', ['email'])
export class UserEntity {
  /** The token's `sub`: the label of the person's zone. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  username!: string;

  /** The token's `email` claim; null while the identity provider sends none. */
  @Column({ type: 'varchar', length: MAX_EMAIL_LENGTH, nullable: true })
  email!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  /** When the person last called the api, to within the api's write interval. */
  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt!: Date;

  /** Set by an admin: the person's writes are refused (their records stay) until unlocked. */
  @Column({ name: 'locked_at', type: 'datetime', precision: 3, nullable: true })
  lockedAt!: Date | null;

  /** Why the person is locked, shown to them with every refused write. */
  @Column({
    name: 'locked_reason',
    type: 'varchar',
    length: MAX_LOCK_REASON_LENGTH,
    nullable: true,
  })
  lockedReason!: string | null;

  /** The person's own record quota, set by an admin; null: the server's RECORD_QUOTA. */
  @Column({ name: 'quota_override', type: 'int', unsigned: true, nullable: true })
  quotaOverride!: number | null;

  /** The notification kinds the person turned off, comma-separated; empty: every kind on. */
  @Column({ name: 'notifications_off', type: 'varchar', length: 512, default: '' })
  notificationsOff!: string;
}
