import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a stored answer was first replayed to a retried request. An answer someone has been given
 * is never taken back: the api's undo of a create whose flow Redis refused removes the row only
 * while its stored answer was never replayed.
 */
export class IdempotencyReplayed1768120000000 implements MigrationInterface {
  name = 'IdempotencyReplayed1768120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `idempotency_keys` ADD `replayed_at` datetime(3) NULL AFTER `response_body`',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `idempotency_keys` DROP COLUMN `replayed_at`');
  }
}
