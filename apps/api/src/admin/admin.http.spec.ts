import { uniqueId } from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import { type ApiHarness, type HttpAnswer, startApi } from '../../test/support/api-harness';
import { certEnv } from '../../test/support/certificates';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';
import { changeTxtDirectly, queryDns, zoneNamesUnder } from '../../test/support/zone';

jest.setTimeout(90_000);

const PROBLEM = 'application/problem+json';
// The server's quota in this file: small, so an override above and below it both show.
const SERVER_QUOTA = 2;

interface AuditRow {
  actor: string;
  action: string;
  target_username: string | null;
  target_record_id: string | null;
  request_id: string;
  outcome: string;
  detail: string | null;
}

describe('the admin api, end to end with the worker and the Route 53 emulator', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  const admin = uniqueId('root');
  let adminToken: string;

  beforeAll(async () => {
    api = await startApi({ tweak: (config) => (config.recordQuota = SERVER_QUOTA) });
    // With the certificate settings: a person's certificate is removed by the worker's delete flow.
    worker = await startWorker({ ...api.env, ...certEnv() });
    adminToken = await api.token(admin, { admin: true });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  /** A person who has called the api once, so that their row exists; returns their token. */
  async function person(username: string): Promise<string> {
    const token = await api.token(username, { email: `${username}@example.org` });
    expect((await api.request('GET', '/api/v1/records', { token })).status).toBe(200);
    return token;
  }

  function asAdmin(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return api.request(method, path, {
      token: adminToken,
      body,
      headers: { 'X-Request-Id': `test-${randomUUID()}` },
    });
  }

  async function auditOf(target: string): Promise<AuditRow[]> {
    return (await api.sql(
      'SELECT actor, action, target_username, target_record_id, request_id, outcome, detail ' +
        'FROM admin_audit_log WHERE target_username = ? ORDER BY id',
      [target],
    )) as AuditRow[];
  }

  async function create(token: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return api.request('POST', '/api/v1/records', { token, body });
  }

  async function waitFor<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${what} never happened\nworker:\n${worker.output()}`);
  }

  async function statusOf(id: string): Promise<string | undefined> {
    const [row] = await api.dbRecords('id = ?', [id]);
    return row?.['status'] as string | undefined;
  }

  describe('lock and unlock', () => {
    it("refuses a locked person's writes with the reason, keeps their records readable, and audits each action once", async () => {
      const alice = uniqueId('alice');
      const token = await person(alice);
      const kept = await create(token, { name: 'www', type: 'A', value: '192.0.2.10' });
      expect(kept.status).toBe(202);
      const recordId = (kept.json as { id: string }).id;

      const locked = await asAdmin('PUT', `/api/v1/admin/users/${alice}/lock`, {
        reason: 'Spam reported by abuse@',
      });
      expect(locked.status).toBe(200);
      expect(locked.json).toMatchObject({
        username: alice,
        lock: { reason: 'Spam reported by abuse@', lockedAt: expect.any(String) },
      });

      const before = await api.dbRecords('username = ?', [alice]);
      const refused = await create(token, { name: 'more', type: 'A', value: '192.0.2.11' });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain(PROBLEM);
      expect(refused.json).toMatchObject({
        type: 'urn:starchart:problem:account-locked',
        detail: expect.stringContaining('Spam reported by abuse@'),
      });
      await waitFor('the record to settle', async () =>
        (await statusOf(recordId)) === 'active' ? true : undefined,
      );
      const patch = await api.request('PATCH', `/api/v1/records/${recordId}`, {
        token,
        body: { ttl: 600 },
      });
      expect(patch.status).toBe(403);
      expect((await api.request('DELETE', `/api/v1/records/${recordId}`, { token })).status).toBe(
        403,
      );
      expect((await api.request('POST', '/api/v1/certificates', { token, body: {} })).status).toBe(
        403,
      );
      // Reads still work, and nothing was written.
      const listed = await api.request('GET', '/api/v1/records', { token });
      expect(listed.status).toBe(200);
      expect((listed.json as { items: unknown[] }).items).toHaveLength(1);
      const now = await api.dbRecords('username = ?', [alice]);
      expect(now.map((row) => row['id'])).toEqual(before.map((row) => row['id']));
      expect(now[0]?.['ttl']).toBe(300);

      const unlocked = await asAdmin('DELETE', `/api/v1/admin/users/${alice}/lock`);
      expect(unlocked.status).toBe(200);
      expect(unlocked.json).toMatchObject({ lock: null });
      expect((await create(token, { name: 'more', type: 'A', value: '192.0.2.11' })).status).toBe(
        202,
      );

      const audit = await auditOf(alice);
      expect(audit).toEqual([
        expect.objectContaining({
          actor: admin,
          action: 'user.lock',
          outcome: 'succeeded',
          detail: 'Spam reported by abuse@',
          request_id: expect.stringMatching(/^test-/),
        }),
        expect.objectContaining({ actor: admin, action: 'user.unlock', outcome: 'succeeded' }),
      ]);
      // The log answers at /admin/audit, newest first, with the request id of each action.
      const page = await asAdmin('GET', `/api/v1/admin/audit?username=${alice}`);
      expect(page.status).toBe(200);
      expect((page.json as { items: { action: string }[] }).items.map((e) => e.action)).toEqual([
        'user.unlock',
        'user.lock',
      ]);
    });

    it('refuses to let an admin lock themselves, and audits the refusal', async () => {
      await person(admin);
      const answer = await asAdmin('PUT', `/api/v1/admin/users/${admin}/lock`, { reason: 'oops' });
      expect(answer.status).toBe(403);
      expect(await auditOf(admin)).toEqual([
        expect.objectContaining({ action: 'user.lock', outcome: 'failed' }),
      ]);
    });
  });

  describe('bad bodies', () => {
    const cases: [string, string, string, unknown, string][] = [
      ['a lock without a reason', 'PUT', 'lock', {}, 'reason'],
      ['a lock with a blank reason', 'PUT', 'lock', { reason: '   ' }, 'reason'],
      ['a lock with an unknown field', 'PUT', 'lock', { reason: 'x', until: 'never' }, 'until'],
      ['a negative quota', 'PUT', 'quota', { quota: -1 }, 'quota'],
      ['a quota in words', 'PUT', 'quota', { quota: 'ten' }, 'quota'],
      ['a fractional quota', 'PUT', 'quota', { quota: 2.5 }, 'quota'],
      ['a deletion without confirmation', 'POST', 'deletion', {}, 'confirm'],
      ['a deletion confirming someone else', 'POST', 'deletion', { confirm: 'bob' }, 'confirm'],
    ];

    it.each(cases)(
      'answers %s with 400 problem+json and changes nothing',
      async (_label, method, action, body, field) => {
        const carol = uniqueId('carol');
        await person(carol);
        await api.seedRecord(carol);
        const before = {
          user: await api.sql('SELECT * FROM users WHERE username = ?', [carol]),
          records: await api.dbRecords('username = ?', [carol]),
          audit: await api.sql('SELECT COUNT(*) AS count FROM admin_audit_log'),
        };
        const answer = await asAdmin(method, `/api/v1/admin/users/${carol}/${action}`, body);
        expect(answer.status).toBe(400);
        expect(answer.headers.get('content-type')).toContain(PROBLEM);
        expect(answer.json).toMatchObject({
          type: 'urn:starchart:problem:invalid-input',
          errors: [expect.objectContaining({ field })],
        });
        expect(await api.sql('SELECT * FROM users WHERE username = ?', [carol])).toEqual(
          before.user,
        );
        expect(await api.dbRecords('username = ?', [carol])).toEqual(before.records);
        expect(await api.sql('SELECT COUNT(*) AS count FROM admin_audit_log')).toEqual(
          before.audit,
        );
      },
    );

    it('answers an unknown filter or a forged cursor with 400', async () => {
      expect((await asAdmin('GET', '/api/v1/admin/records?status=lost')).status).toBe(400);
      expect((await asAdmin('GET', '/api/v1/admin/records?stuckForMinutes=0')).status).toBe(400);
      expect((await asAdmin('GET', '/api/v1/admin/records?cursor=bm9wZQ')).json).toMatchObject({
        errors: [{ field: 'cursor' }],
      });
      expect((await asAdmin('GET', '/api/v1/admin/audit?cursor=-1')).status).toBe(400);
      expect((await asAdmin('GET', '/api/v1/admin/users/Not_A_Name')).status).toBe(400);
    });
  });

  describe('quota override', () => {
    it("lets a person's own quota replace the server's in the create path, both ways", async () => {
      const dave = uniqueId('dave');
      const token = await person(dave);
      const raised = await asAdmin('PUT', `/api/v1/admin/users/${dave}/quota`, { quota: 3 });
      expect(raised.status).toBe(200);
      expect(raised.json).toMatchObject({ quota: { override: 3, effective: 3 } });
      for (const name of ['a', 'b', 'c']) {
        expect((await create(token, { name, type: 'TXT', value: name })).status).toBe(202);
      }
      const fourth = await create(token, { name: 'd', type: 'TXT', value: 'd' });
      expect(fourth.status).toBe(409);
      expect(fourth.json).toMatchObject({
        type: 'urn:starchart:problem:quota-exceeded',
        detail: expect.stringContaining('at most 3 records'),
      });

      const erin = uniqueId('erin');
      const erinToken = await person(erin);
      expect((await asAdmin('PUT', `/api/v1/admin/users/${erin}/quota`, { quota: 1 })).status).toBe(
        200,
      );
      expect((await create(erinToken, { name: 'a', type: 'TXT', value: 'a' })).status).toBe(202);
      // Below the server's quota of 2: the second is refused.
      expect((await create(erinToken, { name: 'b', type: 'TXT', value: 'b' })).status).toBe(409);
      const cleared = await asAdmin('PUT', `/api/v1/admin/users/${erin}/quota`, { quota: null });
      expect(cleared.json).toMatchObject({ quota: { override: null, effective: SERVER_QUOTA } });
      expect((await create(erinToken, { name: 'b', type: 'TXT', value: 'b' })).status).toBe(202);

      expect(await auditOf(dave)).toEqual([
        expect.objectContaining({
          action: 'user.quota',
          outcome: 'succeeded',
          detail: 'quota set to 3',
        }),
      ]);
      expect((await auditOf(erin)).map((row) => row.detail)).toEqual([
        'quota set to 1',
        'quota override removed',
      ]);
    });
  });

  describe('retry a record in error', () => {
    it('shows why the record failed, runs its flow again, and audits the retry once', async () => {
      const frank = uniqueId('frank');
      const token = await person(frank);
      const fqdn = `clash.${frank}.${api.config.rootDomain}`;
      // Another tool's TXT record: Route 53 refuses a CNAME beside it.
      await changeTxtDirectly('CREATE', fqdn, 'placed by hand');
      const created = await create(token, { name: 'clash', type: 'CNAME', value: 'example.org' });
      const id = (created.json as { id: string }).id;
      await waitFor('the record to fail', async () =>
        (await statusOf(id)) === 'error' ? true : undefined,
      );

      // An operator finds it among the records in error, with the reason.
      const failing = await asAdmin('GET', `/api/v1/admin/records?status=error&username=${frank}`);
      expect(failing.json).toMatchObject({
        items: [{ id, status: 'error', statusReason: expect.stringMatching(/\S/) }],
        nextCursor: null,
      });
      // The person's page shows the failed step of its flow.
      const page = await asAdmin('GET', `/api/v1/admin/users/${frank}`);
      expect(page.status).toBe(200);
      const flow = (
        page.json as { recentFlows: { id: string; steps: { failedReason: string | null }[] }[] }
      ).recentFlows.find((recent) => recent.id === id);
      expect(flow?.steps.some((step) => step.failedReason !== null)).toBe(true);

      await changeTxtDirectly('DELETE', fqdn, 'placed by hand');
      const retried = await asAdmin('POST', `/api/v1/admin/records/${id}/retry`, {});
      expect(retried.status).toBe(202);
      expect(retried.json).toMatchObject({ id, status: 'pending', statusReason: null });
      await waitFor('the retried record to be active', async () =>
        (await statusOf(id)) === 'active' ? true : undefined,
      );
      expect(await queryDns(fqdn, 'CNAME')).toEqual({ rcode: 'NOERROR', data: ['example.org'] });

      // Active now: a second retry is refused, and that is audited as failed.
      expect((await asAdmin('POST', `/api/v1/admin/records/${id}/retry`, {})).status).toBe(409);
      expect(await auditOf(frank)).toEqual([
        expect.objectContaining({
          action: 'record.retry',
          target_record_id: id,
          outcome: 'succeeded',
        }),
      ]);
      const failedRetries = (await api.sql(
        "SELECT outcome FROM admin_audit_log WHERE target_record_id = ? AND outcome = 'failed'",
        [id],
      )) as unknown[];
      expect(failedRetries).toHaveLength(1);
    });
  });

  describe('records across users', () => {
    it('finds pending records stuck for longer than N minutes, and not the fresh ones', async () => {
      const gina = uniqueId('gina');
      const stuck = await api.seedRecord(gina, { status: 'pending' });
      const fresh = await api.seedRecord(gina, { status: 'pending' });
      await api.sql('UPDATE dns_records SET updated_at = NOW(3) - INTERVAL 2 HOUR WHERE id = ?', [
        stuck,
      ]);
      const answer = await asAdmin(
        'GET',
        `/api/v1/admin/records?status=pending&stuckForMinutes=60&username=${gina}`,
      );
      const ids = (answer.json as { items: { id: string }[] }).items.map((item) => item.id);
      expect(ids).toEqual([stuck]);
      expect(ids).not.toContain(fresh);
    });
  });

  describe('delete a person', () => {
    it('deletes every record through its delete flow, then the certificate, then the person, leaving their zone empty', async () => {
      const hank = uniqueId('hank');
      const token = await person(hank);
      const names = ['www', 'mail'];
      const ids: string[] = [];
      for (const name of names) {
        const created = await create(token, { name, type: 'A', value: '192.0.2.20' });
        ids.push((created.json as { id: string }).id);
      }
      for (const id of ids) {
        await waitFor('the record to be active', async () =>
          (await statusOf(id)) === 'active' ? true : undefined,
        );
      }
      for (const name of names) {
        expect((await queryDns(`${name}.${hank}.${api.config.rootDomain}`, 'A')).data).toEqual([
          '192.0.2.20',
        ]);
      }
      await api.sql(
        "INSERT INTO certificates (id, username, domains, status, version) VALUES (?, ?, '[]', 'issued', 1)",
        [randomUUID(), hank],
      );

      const started = await asAdmin('POST', `/api/v1/admin/users/${hank}/deletion`, {
        confirm: hank,
      });
      expect(started.status).toBe(202);
      expect(started.json).toMatchObject({
        state: 'deleting',
        deleteFlowsStarted: 2,
        recordsLeft: 2,
        certificate: 'none',
      });
      // Locked meanwhile: no new record can slip in.
      expect((await create(token, { name: 'late', type: 'A', value: '192.0.2.21' })).status).toBe(
        403,
      );
      await waitFor('the records to be deleted', async () =>
        (await api.dbRecords('username = ?', [hank])).length === 0 ? true : undefined,
      );

      // The certificate is revoked and removed by a worker; the person goes once it is gone.
      const revoking = await asAdmin('POST', `/api/v1/admin/users/${hank}/deletion`, {
        confirm: hank,
      });
      expect(revoking.json).toMatchObject({
        state: 'deleting',
        recordsLeft: 0,
        certificate: 'deleting',
      });
      await waitFor('the certificate to be removed', async () =>
        ((await api.sql('SELECT id FROM certificates WHERE username = ?', [hank])) as unknown[])
          .length === 0
          ? true
          : undefined,
      );
      const finished = await asAdmin('POST', `/api/v1/admin/users/${hank}/deletion`, {
        confirm: hank,
      });
      expect(finished.status).toBe(200);
      expect(finished.json).toMatchObject({
        state: 'deleted',
        recordsLeft: 0,
        certificate: 'none',
      });
      for (const name of names) {
        expect(await queryDns(`${name}.${hank}.${api.config.rootDomain}`, 'A')).toEqual({
          rcode: 'NXDOMAIN',
          data: [],
        });
      }
      expect(await zoneNamesUnder(`${hank}.${api.config.rootDomain}`)).toEqual([]);
      expect(await api.sql('SELECT * FROM certificates WHERE username = ?', [hank])).toEqual([]);
      expect(await api.sql('SELECT * FROM users WHERE username = ?', [hank])).toEqual([]);
      expect((await asAdmin('GET', `/api/v1/admin/users/${hank}`)).status).toBe(404);
      // One audit row per call: the one that started the flows, the certificate's, the one that finished.
      expect(await auditOf(hank)).toEqual([
        expect.objectContaining({
          action: 'user.delete',
          outcome: 'succeeded',
          detail: expect.stringMatching(/^deleting: 2 delete flows started/),
        }),
        expect.objectContaining({
          action: 'user.delete',
          outcome: 'succeeded',
          detail: expect.stringMatching(/^deleting: 0 delete flows started.*certificate deleting$/),
        }),
        expect.objectContaining({
          action: 'user.delete',
          outcome: 'succeeded',
          detail: expect.stringMatching(/^deleted:/),
        }),
      ]);
    });
  });

  describe('finding people', () => {
    it('finds a person by a prefix of their name or address, with what they own', async () => {
      const ivy = uniqueId('ivy');
      await person(ivy);
      await api.seedRecord(ivy);
      const byName = await asAdmin('GET', `/api/v1/admin/users?q=${ivy}`);
      expect(byName.json).toMatchObject({
        items: [
          {
            username: ivy,
            email: `${ivy}@example.org`,
            recordCount: 1,
            certificateStatus: null,
            lock: null,
            lastSeenAt: expect.any(String),
            quota: { override: null, effective: SERVER_QUOTA },
          },
        ],
        nextCursor: null,
      });
      const byEmail = await asAdmin(
        'GET',
        `/api/v1/admin/users?q=${encodeURIComponent(`${ivy}@ex`)}`,
      );
      expect(
        (byEmail.json as { items: { username: string }[] }).items.map((u) => u.username),
      ).toEqual([ivy]);
      // A LIKE wildcard in the query is matched literally.
      const wildcard = await asAdmin('GET', '/api/v1/admin/users?q=%25');
      expect((wildcard.json as { items: unknown[] }).items).toEqual([]);
    });
  });
});
