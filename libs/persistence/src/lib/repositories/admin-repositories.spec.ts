import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type DataSource, type Logger, QueryFailedError } from 'typeorm';
import { migratedDatabase, type MigratedDatabase } from '../../../test/support/migrated-database';
import { AdminAuditEntryEntity } from '../entities/admin-audit-entry.entity';
import { DnsRecordEntity, type RecordStatus } from '../entities/dns-record.entity';
import { AdminAuditLogRepository } from './admin-audit-log.repository';
import { type AdminRecordFilter, AdminRecordsRepository } from './admin-records.repository';

const SEEDED_ROWS = 100_000;
jest.setTimeout(120_000);

/** Remembers the SQL TypeORM sends, so the test can EXPLAIN exactly what the repository ran. */
class LastQuery implements Logger {
  sql = '';
  params: unknown[] = [];
  logQuery(sql: string, params?: unknown[]): void {
    this.sql = sql;
    this.params = params ?? [];
  }
  logQueryError(): void {
    // Errors reach the test as rejections.
  }
  logQuerySlow(): void {
    // Not measured here.
  }
  logSchemaBuild(): void {
    // Migrations run before this logger is attached.
  }
  logMigration(): void {
    // As above.
  }
  log(): void {
    // Nothing else is logged.
  }
}

describe('admin repositories', () => {
  const lastQuery = new LastQuery();
  let database: MigratedDatabase;
  let dataSource: DataSource;
  let records: AdminRecordsRepository;
  let audit: AdminAuditLogRepository;

  beforeAll(async () => {
    database = await migratedDatabase('adm', { logging: ['query'], logger: lastQuery });
    dataSource = database.dataSource;
    records = new AdminRecordsRepository(dataSource.getRepository(DnsRecordEntity));
    audit = new AdminAuditLogRepository(dataSource.getRepository(AdminAuditEntryEntity));
  });

  afterAll(() => database?.drop());

  describe('the audit log', () => {
    it('keeps what was appended, newest first, and pages by id', async () => {
      for (const action of ['user.lock', 'user.unlock', 'record.retry'] as const) {
        await audit.append({
          actor: 'root',
          action,
          targetUsername: 'carol',
          targetRecordId: null,
          requestId: `req-${action}`,
          outcome: 'succeeded',
          detail: 'x'.repeat(2_000),
        });
      }
      const first = await audit.page({ targetUsername: 'carol', limit: 2 });
      expect(first.map((entry) => entry.action)).toEqual([
        'record.retry',
        'user.unlock',
        'user.lock',
      ]);
      expect(first[0]?.detail).toHaveLength(1024);
      const next = await audit.page({ targetUsername: 'carol', beforeId: first[1]?.id, limit: 2 });
      expect(next.map((entry) => entry.action)).toEqual(['user.lock']);
    });

    it('refuses UPDATE and DELETE in the database itself', async () => {
      await expect(
        dataSource.query("UPDATE admin_audit_log SET outcome = 'failed'"),
      ).rejects.toThrow(/append-only/);
      await expect(dataSource.query('DELETE FROM admin_audit_log')).rejects.toThrow(
        QueryFailedError,
      );
      const [counted] = await dataSource.query<{ count: string | number }[]>(
        'SELECT COUNT(*) AS count FROM admin_audit_log',
      );
      expect(Number(counted?.count)).toBe(3);
    });
  });

  describe('one person’s records', () => {
    it('counts every record of the person and lists the ids of those no flow works on', async () => {
      const rows = dataSource.getRepository(DnsRecordEntity);
      const record = (username: string, status: RecordStatus, name: string) => ({
        id: randomUUID(),
        username,
        name,
        fqdn: `${name}.${username}.starchart.test`,
        type: 'A' as const,
        value: '192.0.2.1',
        ttl: 300,
        status,
        version: 1,
      });
      const daves = (['active', 'error', 'pending', 'deleting', 'active'] as const).map(
        (status, index) => record('dave', status, `r${index}`),
      );
      // Copies: a multi-row insert writes what TypeORM reads back of the new rows into the
      // objects it was given, in the rows' primary-key order, so their ids would be shuffled.
      await rows.insert([...daves, record('erin', 'active', 'r0')].map((row) => ({ ...row })));

      expect(await records.countOwnedBy('dave')).toBe(5);
      expect(await records.countOwnedBy('nobody')).toBe(0);
      const settled = daves.filter(({ status }) => status === 'active' || status === 'error');
      expect((await records.findSettledIds('dave')).sort()).toEqual(
        settled.map(({ id }) => id).sort(),
      );
      expect(await records.findSettledIds('nobody')).toEqual([]);
    });
  });

  describe(`records across all users, at ${SEEDED_ROWS.toLocaleString('en')} rows`, () => {
    beforeAll(async () => {
      // n = 0 … 99,999 from five digit tables; 1 % error, 1 % pending, 1,000 owners, a minute
      // of age per row so that updated_at spreads over ten weeks.
      const digits =
        'SELECT 0 d UNION ALL ' +
        [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `SELECT ${d}`).join(' UNION ALL ');
      await dataSource.query(
        `INSERT INTO dns_records (id, username, name, fqdn, type, value, ttl, status, status_reason, version, created_at, updated_at)
         SELECT UUID(), CONCAT('u', n % 1000), CONCAT('r', n), CONCAT('r', n, '.u', n % 1000, '.starchart.test'),
                ELT(1 + n % 5, 'A', 'AAAA', 'CNAME', 'MX', 'TXT'), '192.0.2.1', 300,
                CASE WHEN n % 100 = 7 THEN 'error' WHEN n % 100 = 8 THEN 'pending' ELSE 'active' END,
                CASE WHEN n % 100 = 7 THEN 'Route 53 refused the change' END, 1,
                NOW(3) - INTERVAL n MINUTE, NOW(3) - INTERVAL n MINUTE
         FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n
               FROM (${digits}) a, (${digits}) b, (${digits}) c, (${digits}) e, (${digits}) f) numbers`,
      );
      await dataSource.query('ANALYZE TABLE dns_records');
    });

    const filters: [string, Omit<AdminRecordFilter, 'limit' | 'after'>, boolean][] = [
      // [label, filter, served in index order (no filesort)]
      ['every record', {}, true],
      ['status error', { status: 'error' }, true],
      [
        'pending for longer than 60 minutes',
        { status: 'pending', updatedBefore: minutesAgo(60) },
        true,
      ],
      ['one owner', { username: 'u42' }, true],
      ['type TXT', { type: 'TXT' }, true],
      ['a name prefix', { fqdnPrefix: 'r9999' }, false],
    ];

    it.each(filters)('pages through %s: each row once, in order', async (_label, filter) => {
      const seen = new Set<string>();
      let after: AdminRecordFilter['after'];
      let previous: DnsRecordEntity | undefined;
      let pages = 0;
      // Walk at most 20 pages: enough to cross many cursors without reading 100,000 rows.
      while (pages < 20) {
        const rows = await records.page({ ...filter, after, limit: 100 });
        const page = rows.slice(0, 100);
        for (const row of page) {
          expect(seen.has(row.id)).toBe(false);
          seen.add(row.id);
          if (previous)
            expect(row.updatedAt.getTime()).toBeLessThanOrEqual(previous.updatedAt.getTime());
          previous = row;
        }
        pages += 1;
        const last = page.at(-1);
        if (rows.length <= 100 || !last) break;
        after = { updatedAt: last.updatedAt, id: last.id };
      }
      expect(seen.size).toBeGreaterThan(0);
    });

    it.each(filters)(
      'answers a page 900 rows deep into %s as fast as the first',
      async (label, filter, ordered) => {
        const first = await timed(() => records.page({ ...filter, limit: 100 }));
        const plan = await explain();
        // A deep cursor: the 900th row of the filtered set.
        const [deep] = await records
          .page({ ...filter, limit: 900 })
          .then((rows) => rows.slice(899));
        const deepAfter = deep && { updatedAt: deep.updatedAt, id: deep.id };
        const deepPage = await timed(() =>
          records.page({ ...filter, after: deepAfter, limit: 100 }),
        );
        console.log(
          `admin records, ${label}: first page ${first.ms.toFixed(1)} ms, deep page ${deepPage.ms.toFixed(1)} ms; plan: ${plan}`,
        );
        if (ordered) expect(plan).not.toContain('filesort');
        expect(first.rows.length).toBeGreaterThan(0);
      },
    );

    it('reads the last page of all 100,000 rows through its cursor without a scan', async () => {
      const [oldest] = await dataSource.query<{ updated_at: Date; id: string }[]>(
        'SELECT updated_at, id FROM dns_records ORDER BY updated_at ASC, id ASC LIMIT 1 OFFSET 50',
      );
      if (!oldest) throw new Error('no rows seeded');
      const last = await timed(() =>
        records.page({ after: { updatedAt: oldest.updated_at, id: oldest.id }, limit: 100 }),
      );
      const plan = await explain();
      console.log(
        `admin records, last page of ${SEEDED_ROWS}: ${last.ms.toFixed(1)} ms; plan: ${plan}`,
      );
      expect(last.rows).toHaveLength(50);
      expect(plan).toContain('IDX_dns_records_updated_at');
      expect(plan).not.toContain('filesort');
    });
  });

  /** EXPLAIN of the repository's last query: the keys used and the Extra column, one line. */
  async function explain(): Promise<string> {
    const rows = await dataSource.query<Record<string, unknown>[]>(
      `EXPLAIN ${lastQuery.sql}`,
      lastQuery.params,
    );
    return rows
      .map(
        (row) =>
          `key=${String(row['key'])} rows=${String(row['rows'])} ${String(row['Extra'] ?? '')}`,
      )
      .join(' | ');
  }
});

async function timed<T>(work: () => Promise<T>): Promise<{ rows: T; ms: number }> {
  // Best of three: the figure is the query's cost, not a neighbour's burst of CPU.
  let best = Number.POSITIVE_INFINITY;
  let rows!: T;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    rows = await work();
    best = Math.min(best, performance.now() - started);
  }
  return { rows, ms: best };
}

function minutesAgo(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}
