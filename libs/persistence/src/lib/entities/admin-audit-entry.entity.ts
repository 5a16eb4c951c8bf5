import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from './timestamp-columns';

/** What an admin did; one word per route, so the log reads like the console's buttons. */
export const ADMIN_ACTIONS = [
  'user.lock',
  'user.unlock',
  'user.quota',
  'user.delete',
  'record.retry',
  'reconcile.run',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export const ADMIN_ACTION_OUTCOMES = ['succeeded', 'failed'] as const;
export type AdminActionOutcome = (typeof ADMIN_ACTION_OUTCOMES)[number];

/** Longer details are cut to fit the column. */
export const MAX_AUDIT_DETAIL_LENGTH = 1024;

/**
 * One admin action, written once and never changed: the table refuses UPDATE and DELETE with
 * triggers (migration AdminConsole1767484800000), and no code path issues either.
 */
@Entity('admin_audit_log')
// A person's page lists what admins did to them, newest first.
@Index('IDX_admin_audit_log_target_username', ['targetUsername'])
export class AdminAuditEntryEntity {
  /** Increasing: the newest-first page order and its cursor. */
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @CreatedAtColumn()
  createdAt!: Date;

  /** The admin's username (JWT sub). */
  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @Column({ type: 'enum', enum: ADMIN_ACTIONS })
  action!: AdminAction;

  /** The person acted on, when there is one (the owner, for a record). */
  @Column({ name: 'target_username', type: 'varchar', length: 64, nullable: true })
  targetUsername!: string | null;

  @Column({ name: 'target_record_id', type: 'char', length: 36, nullable: true })
  targetRecordId!: string | null;

  /** The X-Request-Id of the request, to find its log lines. */
  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Column({ type: 'enum', enum: ADMIN_ACTION_OUTCOMES })
  outcome!: AdminActionOutcome;

  /** The reason given, the new quota, or why the action failed. */
  @Column({ type: 'varchar', length: MAX_AUDIT_DETAIL_LENGTH, nullable: true })
  detail!: string | null;
}
