import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';

export type StatusCounts = Partial<Record<'pending' | 'active' | 'error' | 'deleting', number>>;

/** Read-only views of dns_records, one query per call so polling does not load the database. */
export class RecordsDb {
  private constructor(private readonly connection: Connection) {}

  static async connect(databaseUrl: string): Promise<RecordsDb> {
    return new RecordsDb(await createConnection(databaseUrl));
  }

  /** Records of the users whose names start with `usernamePrefix`, by status. */
  async statusCounts(usernamePrefix: string): Promise<StatusCounts> {
    const [rows] = await this.connection.query<RowDataPacket[]>(
      'SELECT status, COUNT(*) AS n FROM dns_records WHERE username LIKE ? GROUP BY status',
      [`${usernamePrefix}%`],
    );
    const counts: StatusCounts = {};
    for (const row of rows) {
      const status: unknown = row['status'];
      if (
        status === 'pending' ||
        status === 'active' ||
        status === 'error' ||
        status === 'deleting'
      ) {
        counts[status] = Number(row['n']);
      }
    }
    return counts;
  }

  /** Up to `limit` error reasons of those users, to say why a scenario failed. */
  async errorReasons(usernamePrefix: string, limit = 3): Promise<string[]> {
    const [rows] = await this.connection.query<RowDataPacket[]>(
      "SELECT DISTINCT status_reason FROM dns_records WHERE username LIKE ? AND status = 'error' LIMIT ?",
      [`${usernamePrefix}%`, limit],
    );
    return rows.map((row) => String(row['status_reason']));
  }

  async statusOf(recordId: string): Promise<string | undefined> {
    const [rows] = await this.connection.query<RowDataPacket[]>(
      'SELECT status FROM dns_records WHERE id = ?',
      [recordId],
    );
    const status: unknown = rows[0]?.['status'];
    return typeof status === 'string' ? status : undefined;
  }

  async close(): Promise<void> {
    await this.connection.end();
  }
}
