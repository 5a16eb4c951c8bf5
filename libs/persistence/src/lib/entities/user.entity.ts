import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from './timestamp-columns';

/** The longest address SMTP carries (RFC 5321: a 256-octet path less its angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/** A person who has called the api, with the address their identity provider gave last. */
@Entity('users')
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
}
