import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';

interface Page {
  items: { fqdn: string; username: string }[];
  total: number;
  nextCursor: string | null;
}

const ROWS = 100_000;
const USERS = 1_000;
// Generous for a shared 2-core machine; a full scan and sort of 100,000 rows takes far longer.
const PAGE_BUDGET_MS = 400;

describe('searching and paging records at 100,000 rows', () => {
  jest.setTimeout(180_000);
  let api: ApiHarness;
  let adminToken: string;
  const user = uniqueId('carol');
  let userToken: string;
  const root = () => api.config.rootDomain;

  beforeAll(async () => {
    api = await startApi();
    adminToken = await api.token(uniqueId('admin'), { admin: true });
    userToken = await api.token(user);
    // MariaDB's sequence engine: 100,000 rows in one statement, 100 for each of 1,000 users.
    await api.sql(
      `INSERT INTO dns_records (id, username, name, fqdn, type, value, priority, ttl, status, status_reason, version, flow_id, change_id)
       SELECT UUID(), CONCAT('user', seq % ?), CONCAT('host', seq), CONCAT('host', seq, '.user', seq % ?, '.', ?),
              'A', '192.0.2.1', NULL, 300, 'active', NULL, 1, NULL, NULL
       FROM seq_1_to_${ROWS}`,
      [USERS, USERS, root()],
    );
    // InnoDB refreshes its statistics in the background after a bulk change; a live table has them.
    await api.sql('ANALYZE TABLE dns_records');
    for (const name of ['www', 'www2', 'api', 'w_w']) {
      await api.seedRecord(user, { name, type: 'A', value: '192.0.2.10', status: 'active' });
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  async function timedList(token: string, query: string): Promise<Page> {
    const started = performance.now();
    const answer = await api.request('GET', `/api/v1/records?${query}`, { token });
    const took = performance.now() - started;
    expect(answer.status).toBe(200);
    expect(took).toBeLessThan(PAGE_BUDGET_MS);
    return answer.json as Page;
  }

  it("finds a person's records by the start of their name, case-insensitively", async () => {
    const page = await timedList(userToken, 'q=WWW');
    expect(page.items.map((item) => item.fqdn)).toEqual([
      `www.${user}.${root()}`,
      `www2.${user}.${root()}`,
    ]);
    expect(page.total).toBe(2);
  });

  it('takes % and _ in a search literally', async () => {
    expect((await timedList(userToken, 'q=w_')).items.map((item) => item.fqdn)).toEqual([
      `w_w.${user}.${root()}`,
    ]);
    expect((await timedList(userToken, 'q=%25')).total).toBe(0);
  });

  it("pages an admin's view of every record by cursor without repeats, fast deep into the table", async () => {
    const first = await timedList(adminToken, 'limit=100');
    expect(first.total).toBe(ROWS + 4);
    const seen = new Set(first.items.map((item) => item.fqdn));
    let cursor = first.nextCursor;
    for (let page = 0; page < 5 && cursor; page++) {
      const next = await timedList(adminToken, `limit=100&cursor=${cursor}`);
      for (const item of next.items) {
        expect(seen.has(item.fqdn)).toBe(false);
        seen.add(item.fqdn);
      }
      cursor = next.nextCursor;
    }
    expect(seen.size).toBe(600);
  });

  it("searches one user's records for an admin", async () => {
    const page = await timedList(adminToken, `username=user7&q=host1`);
    // host1007, host1107, …: user7 owns every seq ending in 007 … below 100,000.
    expect(page.items.every((item) => item.username === 'user7')).toBe(true);
    expect(page.items.every((item) => item.fqdn.startsWith('host1'))).toBe(true);
    expect(page.total).toBe(11);
  });

  it('refuses a search longer than a DNS name as a field error', async () => {
    const answer = await api.request('GET', `/api/v1/records?q=${'a'.repeat(254)}`, {
      token: userToken,
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errors: [{ field: 'q' }] });
  });
});
