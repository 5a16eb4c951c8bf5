import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';

/** The `idempotency_keys` table's housekeeping. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(
    @InjectRepository(IdempotencyKeyEntity)
    private readonly keys: Repository<IdempotencyKeyEntity>,
  ) {}

  /** Deletes at most `limit` keys created before `cutoff`; returns how many it deleted. */
  async deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    // TypeORM's delete builder has no LIMIT; MySQL's DELETE does.
    const result = await this.keys.query<{ affectedRows: number }>(
      'DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?',
      [cutoff, limit],
    );
    return result.affectedRows;
  }
}
