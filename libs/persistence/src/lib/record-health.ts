import type { EntityManager } from 'typeorm';
import { DnsRecordEntity } from './entities/dns-record.entity';

export interface RecordHealth {
  /** Records whose flow has not finished yet: pending (create, edit) or deleting. */
  unsettled: number;
  /**
   * The last write to the unsettled record written to longest ago; null while none is unsettled.
   * A flow writes its record as it goes, so a flow stuck anywhere leaves this growing old.
   */
  oldestUnsettledUpdate: Date | null;
}

/** What the operators' metrics read of the records table, in one query (status, updated_at index). */
export async function readRecordHealth(manager: EntityManager): Promise<RecordHealth> {
  const row = await manager
    .createQueryBuilder(DnsRecordEntity, 'record')
    .select('COUNT(*)', 'unsettled')
    .addSelect('MIN(record.updatedAt)', 'oldestUnsettledUpdate')
    .where('record.status IN (:...statuses)', { statuses: ['pending', 'deleting'] })
    .getRawOne<{ unsettled: number | string; oldestUnsettledUpdate: Date | string | null }>();
  const oldest = row?.oldestUnsettledUpdate ?? null;
  return {
    unsettled: Number(row?.unsettled ?? 0),
    oldestUnsettledUpdate: oldest === null ? null : new Date(oldest),
  };
}
