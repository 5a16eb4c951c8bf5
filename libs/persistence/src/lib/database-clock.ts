import type { EntityManager } from 'typeorm';

/**
 * The database's clock, the one that writes `updated_at`: compare row ages with it, not with a
 * process's clock, which may differ.
 */
export async function databaseNow(manager: EntityManager): Promise<Date> {
  const [row] = await manager.query<{ now: Date }[]>('SELECT NOW(3) AS now');
  if (!row) throw new Error('SELECT NOW(3) returned no row');
  return row.now;
}
