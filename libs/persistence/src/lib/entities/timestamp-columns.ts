import { Column, CreateDateColumn } from 'typeorm';

// Millisecond precision, so that events of one request can be ordered. MySQL 8 refuses a
// default whose fractional precision differs from the column's, hence CURRENT_TIMESTAMP(3).
const MILLISECOND_DATETIME = {
  type: 'datetime',
  precision: 3,
  default: () => 'CURRENT_TIMESTAMP(3)',
} as const;

/** `created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)`, as every table has it. */
export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ name: 'created_at', ...MILLISECOND_DATETIME });
}

/**
 * `updated_at`, refreshed by the database itself (`ON UPDATE CURRENT_TIMESTAMP(3)`) whenever a
 * row changes. A plain column on purpose: TypeORM's UpdateDateColumn adds
 * `updated_at = CURRENT_TIMESTAMP` to every UPDATE it builds, which drops the milliseconds.
 */
export function UpdatedAtColumn(): PropertyDecorator {
  return Column({ name: 'updated_at', ...MILLISECOND_DATETIME, onUpdate: 'CURRENT_TIMESTAMP(3)' });
}
