import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from './timestamp-columns';

/** The stored answer to a request sent with an Idempotency-Key header, replayed on a retry. */
@Entity('idempotency_keys')
// Expired keys are purged by age.
@Index('IDX_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  username!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  key!: string;

  /** sha256 (hex) of method + path + body: the same key with another request is refused. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  @Column({ name: 'status_code', type: 'smallint', unsigned: true })
  statusCode!: number;

  @Column({ name: 'response_body', type: 'json' })
  responseBody!: unknown;

  /** When the answer was first replayed: from then on it is never taken back. */
  @Column({ name: 'replayed_at', type: 'datetime', precision: 3, nullable: true })
  replayedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}
