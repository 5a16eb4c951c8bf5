import { uniqueId } from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { migratedDatabase, type MigratedDatabase } from '../../../test/support/migrated-database';
import { DnsRecordEntity } from '../entities/dns-record.entity';
import { DnsRecordsRepository, type FlowRecord } from './dns-records.repository';

jest.setTimeout(60_000);

describe('dns records repository: the writes of a record flow’s steps and the reconciler’s reads', () => {
  let database: MigratedDatabase;
  let rows: Repository<DnsRecordEntity>;
  let records: DnsRecordsRepository;

  beforeAll(async () => {
    database = await migratedDatabase('dns');
    rows = database.dataSource.getRepository(DnsRecordEntity);
    records = new DnsRecordsRepository(rows);
  });

  afterAll(() => database?.drop());

  /** A create's record as its flow's job carries it, at version 1, under a name of its own. */
  function flowRecord(values: Partial<FlowRecord> = {}): FlowRecord {
    const username = uniqueId('u');
    return {
      id: randomUUID(),
      username,
      name: 'www',
      fqdn: `www.${username}.starchart.test`,
      type: 'A',
      value: '192.0.2.1',
      priority: null,
      weight: null,
      port: null,
      ttl: 300,
      version: 1,
      flowId: `create-${randomUUID()}-v1-sync-db-status`,
      ...values,
    };
  }

  async function stored(id: string): Promise<DnsRecordEntity | null> {
    return rows.findOneBy({ id });
  }

  it('inserts a flow’s record pending, and not over a row with its id or its name and type', async () => {
    const record = flowRecord();
    expect(await records.insertPending(record)).toBe(true);
    expect(await stored(record.id)).toMatchObject({
      ...record,
      status: 'pending',
      statusReason: null,
      changeId: null,
    });
    expect(await records.insertPending({ ...record, value: '192.0.2.2' })).toBe(false);
    expect((await stored(record.id))?.value).toBe('192.0.2.1');
    const sameName = { ...flowRecord(), username: record.username, fqdn: record.fqdn };
    expect(await records.insertPending(sameName)).toBe(false);
    expect(await stored(sameName.id)).toBeNull();
  });

  it('marks a row deleting only at the flow’s version', async () => {
    const record = flowRecord({ version: 2 });
    await records.insertPending(record);
    await rows.update({ id: record.id }, { status: 'error', statusReason: 'refused' });
    await records.markDeleting(record.id, 1);
    expect((await stored(record.id))?.status).toBe('error');
    await records.markDeleting(record.id, 2);
    expect(await stored(record.id)).toMatchObject({ status: 'deleting', statusReason: null });
  });

  it('ends a flow active with its change, or in error with the reason cut to fit, only at its version', async () => {
    const record = flowRecord({ version: 3 });
    await records.insertPending(record);
    expect(await records.markActive(record.id, 2, 'C-OLD')).toBe(false);
    expect(await records.markError(record.id, 4, 'newer')).toBe(false);
    expect((await stored(record.id))?.status).toBe('pending');
    expect(await records.markActive(record.id, 3, 'C-1')).toBe(true);
    expect(await stored(record.id)).toMatchObject({
      status: 'active',
      statusReason: null,
      changeId: 'C-1',
    });
    expect(await records.markError(record.id, 3, 'x'.repeat(2_000))).toBe(true);
    const failed = await stored(record.id);
    expect(failed?.status).toBe('error');
    expect(failed?.statusReason).toHaveLength(1024);
    expect(await records.markActive(record.id, 3, null)).toBe(true);
    expect(await stored(record.id)).toMatchObject({ status: 'active', changeId: null });
  });

  it('removes a row only at the delete flow’s version', async () => {
    const record = flowRecord({ version: 2 });
    await records.insertPending(record);
    expect(await records.removeAtVersion(record.id, 1)).toBe(false);
    expect(await stored(record.id)).not.toBeNull();
    expect(await records.removeAtVersion(record.id, 2)).toBe(true);
    expect(await stored(record.id)).toBeNull();
    expect(await records.removeAtVersion(record.id, 2)).toBe(false);
  });

  it('reads every record, the names and types held among some names, and the database’s clock', async () => {
    const a = flowRecord();
    const txt = { ...flowRecord(), username: a.username, fqdn: a.fqdn, type: 'TXT' as const };
    const elsewhere = flowRecord();
    for (const record of [a, txt, elsewhere]) await records.insertPending(record);

    const all = (await records.findAll()).map((row) => row.id);
    expect(all).toEqual(expect.arrayContaining([a.id, txt.id, elsewhere.id]));
    expect(all).toHaveLength(await rows.count());

    const held = await records.findNameKeys([a.fqdn, 'nothing.starchart.test']);
    expect(held.map(({ fqdn, type }) => ({ fqdn, type }))).toEqual(
      expect.arrayContaining([
        { fqdn: a.fqdn, type: 'A' },
        { fqdn: a.fqdn, type: 'TXT' },
      ]),
    );
    expect(held).toHaveLength(2);

    const [clock] = await database.dataSource.query<{ now: Date }[]>('SELECT NOW(3) AS now');
    const now = await records.now();
    expect(Math.abs(now.getTime() - (clock?.now.getTime() ?? 0))).toBeLessThan(5_000);
  });
});
