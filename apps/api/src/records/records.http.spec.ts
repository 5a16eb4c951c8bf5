import { DnsFlowService } from '@starchart/dns-flow';
import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { readEvents } from '../../test/support/sse';
import { IdempotencyStore } from './idempotency.store';

const PROBLEM = 'application/problem+json';

describe('records over HTTP (no worker running)', () => {
  let api: ApiHarness;
  const alice = uniqueId('alice');
  const bob = uniqueId('bob');
  let aliceToken: string;
  let bobToken: string;
  let adminToken: string;

  beforeAll(async () => {
    api = await startApi({
      env: { RECORD_QUOTA: '4' },
      tweak: (config) => {
        config.events = { pollIntervalMs: 100, heartbeatMs: 200, maxDurationMs: 1_500 };
      },
    });
    aliceToken = await api.token(alice);
    bobToken = await api.token(bob);
    adminToken = await api.token(uniqueId('admin'), { admin: true });
  });

  afterAll(async () => {
    await api?.close();
  });

  const create = (token: string, body: unknown, headers?: Record<string, string>) =>
    api.request('POST', '/api/v1/records', { token, body, ...(headers && { headers }) });

  describe('creating', () => {
    let created: Record<string, unknown>;

    it('answers 202 with the pending record and its Location, and the record is readable at once', async () => {
      const answer = await create(aliceToken, { name: 'WWW', type: 'A', value: '192.0.2.10' });
      expect(answer.status).toBe(202);
      created = answer.json as Record<string, unknown>;
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: alice,
        name: 'www',
        fqdn: `www.${alice}.${api.config.rootDomain}`,
        type: 'A',
        value: '192.0.2.10',
        priority: null,
        weight: null,
        port: null,
        ttl: 300,
        status: 'pending',
        statusReason: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        expiresAt: expect.any(String),
      });
      expect(answer.headers.get('location')).toBe(`/api/v1/records/${String(created['id'])}`);

      const read = await api.request('GET', `/api/v1/records/${String(created['id'])}`, {
        token: aliceToken,
      });
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ ...created, steps: expect.any(Array) });
      const steps = (read.json as { steps: { step: string; state: string }[] }).steps;
      expect(steps.map((step) => step.step)).toEqual([
        'sync-db-status',
        'add-db-record',
        'check-dns-status',
        'create-dns-record',
      ]);
      expect(steps.map((step) => step.state)).toEqual([
        'waiting-children',
        'waiting',
        'waiting-children',
        'waiting',
      ]);
    });

    it('stores the flow id on the row', async () => {
      const [row] = await api.dbRecords('id = ?', [created['id']]);
      expect(row).toMatchObject({
        status: 'pending',
        version: 1,
        flow_id: expect.stringContaining('sync-db-status'),
      });
    });

    it('refuses a second record with the same name and type (409)', async () => {
      const answer = await create(aliceToken, { name: 'www', type: 'A', value: '192.0.2.11' });
      expect(answer.status).toBe(409);
      expect(answer.headers.get('content-type')).toContain(PROBLEM);
      expect(answer.json).toMatchObject({
        type: 'urn:starchart:problem:record-conflict',
        detail: `www.${alice}.${api.config.rootDomain} already has a record of type A; change that record instead of adding another.`,
      });
      expect(await api.dbRecords('username = ? AND value = ?', [alice, '192.0.2.11'])).toEqual([]);
    });

    it('refuses a CNAME beside other records of the same name, and other records beside a CNAME', async () => {
      const beside = await create(aliceToken, { name: 'www', type: 'CNAME', value: 'example.org' });
      expect(beside.status).toBe(409);
      expect((beside.json as { detail: string }).detail).toContain('a CNAME cannot share its name');

      expect(
        (await create(aliceToken, { name: 'alias', type: 'CNAME', value: 'example.org' })).status,
      ).toBe(202);
      const next = await create(aliceToken, { name: 'alias', type: 'TXT', value: 'hello' });
      expect(next.status).toBe(409);
      expect((next.json as { detail: string }).detail).toContain('has a CNAME record');
    });

    it("keeps users out of each other's records (404, as if missing)", async () => {
      const id = String(created['id']);
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { ttl: 600 }],
        ['DELETE', undefined],
      ] as const) {
        const answer = await api.request(method, `/api/v1/records/${id}`, {
          token: bobToken,
          body,
        });
        expect(answer.status).toBe(404);
        expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:record-not-found' });
      }
      const events = await api.request('GET', `/api/v1/records/${id}/events`, { token: bobToken });
      expect(events.status).toBe(404);
      const list = await api.request('GET', '/api/v1/records', { token: bobToken });
      expect(list.json).toMatchObject({ items: [], total: 0 });
      const [row] = await api.dbRecords('id = ?', [id]);
      expect(row).toMatchObject({ ttl: 300, version: 1, status: 'pending' });
    });

    it('lets admins see every record and filter by user', async () => {
      const one = await api.request('GET', `/api/v1/records/${String(created['id'])}`, {
        token: adminToken,
      });
      expect(one.status).toBe(200);
      const list = await api.request('GET', `/api/v1/records?username=${alice}`, {
        token: adminToken,
      });
      expect(list.json).toMatchObject({ total: 2 });
      const refused = await api.request('GET', `/api/v1/records?username=${alice}`, {
        token: bobToken,
      });
      expect(refused.status).toBe(403);
    });

    it('answers 409 to a change while the flow is still running', async () => {
      const id = String(created['id']);
      const patch = await api.request('PATCH', `/api/v1/records/${id}`, {
        token: aliceToken,
        body: { ttl: 600 },
      });
      expect(patch.status).toBe(409);
      expect(patch.json).toMatchObject({
        type: 'urn:starchart:problem:record-busy',
        retryable: true,
        detail: expect.stringContaining('still being provisioned'),
      });
      const remove = await api.request('DELETE', `/api/v1/records/${id}`, { token: aliceToken });
      expect(remove.status).toBe(409);
    });
  });

  describe('paging', () => {
    const carol = uniqueId('carol');
    let carolToken: string;

    beforeAll(async () => {
      carolToken = await api.token(carol);
      for (const name of ['d', 'b', 'a', 'c']) {
        expect(
          (await create(carolToken, { name, type: 'TXT', value: `record ${name}` })).status,
        ).toBe(202);
      }
    });

    it('pages by cursor in name order', async () => {
      const first = await api.request('GET', '/api/v1/records?limit=3', { token: carolToken });
      const page1 = first.json as { items: { name: string }[]; nextCursor: string; total: number };
      expect(page1.items.map((r) => r.name)).toEqual(['a', 'b', 'c']);
      expect(page1.total).toBe(4);
      const second = await api.request(
        'GET',
        `/api/v1/records?limit=3&cursor=${page1.nextCursor}`,
        {
          token: carolToken,
        },
      );
      expect(second.json).toMatchObject({ items: [{ name: 'd' }], nextCursor: null });
    });

    it('pages by page number', async () => {
      const answer = await api.request('GET', '/api/v1/records?limit=2&page=2', {
        token: carolToken,
      });
      expect((answer.json as { items: { name: string }[] }).items.map((r) => r.name)).toEqual([
        'c',
        'd',
      ]);
    });

    it('refuses a cursor it did not hand out', async () => {
      const answer = await api.request('GET', '/api/v1/records?cursor=bm9wZQ', {
        token: carolToken,
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ errors: [{ field: 'cursor' }] });
    });

    it('stops at the quota, counting every record of the user', async () => {
      const answer = await create(carolToken, { name: 'e', type: 'TXT', value: 'one too many' });
      expect(answer.status).toBe(409);
      expect(answer.json).toMatchObject({
        type: 'urn:starchart:problem:quota-exceeded',
        detail: 'You may have at most 4 records and have reached that. Delete one to add another.',
      });
      expect(await api.dbRecords('username = ?', [carol])).toHaveLength(4);
    });
  });

  describe('quota under concurrency', () => {
    it('never lets parallel creates exceed the quota', async () => {
      const dave = uniqueId('dave');
      const token = await api.token(dave);
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          create(token, { name: `n${i}`, type: 'A', value: '192.0.2.1' }),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([202, 202, 202, 202, 409, 409, 409, 409]);
      expect(await api.dbRecords('username = ?', [dave])).toHaveLength(4);
    });

    it('holds the quota for many rounds of parallel creates by several users at once', async () => {
      // Users whose rows sit next to each other in the username index, writing at once: the
      // quota check locks each user's range, so neighbours contend and InnoDB may pick
      // deadlock victims, which the api retries.
      const users = Array.from({ length: 4 }, (_, i) => `${uniqueId('quota')}-${i}`);
      const tokens = await Promise.all(users.map((user) => api.token(user)));
      const answers = await Promise.all(
        tokens.flatMap((token) =>
          Array.from({ length: 12 }, (_, i) =>
            create(token, { name: `q${i}`, type: 'TXT', value: `round ${i}` }),
          ),
        ),
      );
      expect(answers.filter((answer) => ![202, 409].includes(answer.status))).toEqual([]);
      expect(answers.filter((answer) => answer.status === 202).length).toBe(16);
      for (const user of users) {
        expect(await api.dbRecords('username = ?', [user])).toHaveLength(4);
      }
    });

    it('never lets a CNAME and another record of the same name both in, whichever comes first', async () => {
      for (const name of ['c1', 'c2', 'c3']) {
        // One user per round: two rounds of A and TXT alone would reach the quota of 4.
        const frank = uniqueId('frank');
        const token = await api.token(frank);
        const bodies = [
          { name, type: 'A', value: '192.0.2.1' },
          { name, type: 'CNAME', value: 'target.example.org' },
          { name, type: 'TXT', value: 'hello' },
        ];
        const answers = await Promise.all(bodies.map((body) => create(token, body)));
        const accepted = bodies.filter((_, i) => answers[i]?.status === 202).map((b) => b.type);
        // Either the CNAME alone, or the records that may share a name, but never a mix.
        expect([['CNAME'], ['A', 'TXT']]).toContainEqual(accepted);
        expect(answers.every((answer) => [202, 409].includes(answer.status))).toBe(true);
        const rows = await api.dbRecords('username = ? AND name = ?', [frank, name]);
        expect(rows.map((row) => row.type).sort()).toEqual(accepted);
      }
    });
  });

  describe('a flow that Redis is too slow to confirm', () => {
    it('keeps the committed row and answers 202: the flow may still land, or the reconciler starts it', async () => {
      const flows = api.app.get(DnsFlowService);
      // Redis never answers this one add; everything else is real.
      const start = jest
        .spyOn(flows, 'start')
        .mockImplementationOnce(() => new Promise<string>(() => undefined));
      const timeoutMs = api.config.flowStartTimeoutMs;
      api.config.flowStartTimeoutMs = 300;
      try {
        const grace = uniqueId('grace');
        const answer = await create(await api.token(grace), {
          name: 'slow',
          type: 'A',
          value: '192.0.2.44',
        });
        expect(answer.status).toBe(202);
        expect(answer.json).toMatchObject({ status: 'pending', name: 'slow' });
        expect(await api.dbRecords('username = ?', [grace])).toEqual([
          expect.objectContaining({ status: 'pending', name: 'slow' }),
        ]);
        expect(start).toHaveBeenCalledTimes(1);
      } finally {
        api.config.flowStartTimeoutMs = timeoutMs;
        start.mockRestore();
      }
    });
  });

  describe('an update or a delete while Redis refuses or is slow', () => {
    const paul = uniqueId('paul');
    let token: string;
    beforeAll(async () => {
      token = await api.token(paul);
    });

    /** The row as stored, without updated_at (a change taken back is still a write). */
    const stored = async (id: string): Promise<Record<string, unknown>> => {
      const [row] = await api.dbRecords('id = ?', [id]);
      return Object.fromEntries(Object.entries(row ?? {}).filter(([key]) => key !== 'updated_at'));
    };

    it('puts the record back as it was when Redis refuses the flow, and answers 503', async () => {
      const id = await api.seedRecord(paul, { name: 'kept', value: '192.0.2.7' });
      const before = await stored(id);
      const start = jest
        .spyOn(api.app.get(DnsFlowService), 'start')
        .mockRejectedValue(new Error("READONLY You can't write against a read only replica."));
      try {
        const patch = await api.request('PATCH', `/api/v1/records/${id}`, {
          token,
          body: { value: '192.0.2.8' },
        });
        expect(patch.status).toBe(503);
        expect(patch.json).toMatchObject({
          type: 'urn:starchart:problem:service-unavailable',
          detail: expect.stringContaining('nothing was changed'),
        });
        expect(await stored(id)).toEqual(before);
        const remove = await api.request('DELETE', `/api/v1/records/${id}`, { token });
        expect(remove.status).toBe(503);
        expect(await stored(id)).toEqual(before);
        expect(start).toHaveBeenCalledTimes(2);
      } finally {
        start.mockRestore();
      }
      const patch = await api.request('PATCH', `/api/v1/records/${id}`, {
        token,
        body: { value: '192.0.2.8' },
      });
      expect(patch.status).toBe(202);
      expect(await stored(id)).toMatchObject({ value: '192.0.2.8', status: 'pending', version: 2 });
    });

    it('holds no lock on the row while it waits for Redis to take the flow', async () => {
      const id = await api.seedRecord(paul, { name: 'unlocked' });
      let release: (flowId: string) => void = () => undefined;
      let asked: () => void = () => undefined;
      const adding = new Promise<void>((resolve) => (asked = resolve));
      const start = jest.spyOn(api.app.get(DnsFlowService), 'start').mockImplementationOnce(() => {
        asked();
        return new Promise<string>((resolve) => (release = resolve));
      });
      try {
        const patch = api.request('PATCH', `/api/v1/records/${id}`, { token, body: { ttl: 900 } });
        await adding;
        // NOWAIT fails at once on a row another transaction has locked.
        await expect(
          api.sql('SELECT id FROM dns_records WHERE id = ? FOR UPDATE NOWAIT', [id]),
        ).resolves.toEqual([{ id }]);
        release('flow');
        expect((await patch).status).toBe(202);
      } finally {
        start.mockRestore();
      }
    });
  });

  describe('idempotent creates', () => {
    const erin = uniqueId('erin');
    let token: string;
    beforeAll(async () => {
      token = await api.token(erin);
    });

    it('replays the first answer for a retry with the same key and body', async () => {
      const key = uniqueId('key-');
      const body = { name: 'api', type: 'AAAA', value: '2001:db8::1', ttl: 120 };
      const first = await create(token, body, { 'Idempotency-Key': key });
      const retry = await create(
        token,
        { ttl: 120, value: '2001:db8::1', type: 'AAAA', name: 'api' },
        {
          'Idempotency-Key': key,
        },
      );
      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.json).toEqual(first.json);
      expect(retry.headers.get('location')).toBe(first.headers.get('location'));
      expect(await api.dbRecords('username = ?', [erin])).toHaveLength(1);
    });

    it('makes one record of concurrent retries', async () => {
      const key = uniqueId('key-');
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          create(
            token,
            { name: 'race', type: 'A', value: '192.0.2.5' },
            { 'Idempotency-Key': key },
          ),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
      expect(new Set(answers.map((a) => (a.json as { id: string }).id)).size).toBe(1);
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(
        3,
      );
      expect(await api.dbRecords('username = ? AND name = ?', [erin, 'race'])).toHaveLength(1);
    });

    it("answers a retry with the row its first attempt's flow wrote when that attempt's commit was lost", async () => {
      const key = uniqueId('key-');
      const body = { name: 'lost', type: 'A', value: '192.0.2.9' };
      const first = await create(token, body, { 'Idempotency-Key': key });
      expect(first.status).toBe(202);
      // What a database outage between adding the flow and committing leaves behind: the flow's
      // add-db-record step wrote the row, but the api's key never reached the database.
      await api.sql('DELETE FROM idempotency_keys WHERE `key` = ?', [key]);

      const retry = await create(token, body, { 'Idempotency-Key': key });
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect((retry.json as { id: string }).id).toBe((first.json as { id: string }).id);
      expect(await api.dbRecords('username = ? AND name = ?', [erin, 'lost'])).toHaveLength(1);
    });

    it('refuses the same key with another body (422)', async () => {
      const key = uniqueId('key-');
      expect(
        (
          await create(
            token,
            { name: 'k1', type: 'A', value: '192.0.2.6' },
            { 'Idempotency-Key': key },
          )
        ).status,
      ).toBe(202);
      const other = await create(
        token,
        { name: 'k1', type: 'A', value: '192.0.2.7' },
        { 'Idempotency-Key': key },
      );
      expect(other.status).toBe(422);
      expect(other.json).toMatchObject({ type: 'urn:starchart:problem:idempotency-key-reused' });
      expect(await api.dbRecords('username = ? AND name = ?', [erin, 'k1'])).toHaveLength(1);
    });

    it('treats a key older than a day as unused, and purges such keys', async () => {
      const key = uniqueId('key-');
      const kim = await api.token(uniqueId('kim'));
      const first = await create(
        kim,
        { name: 'old', type: 'A', value: '192.0.2.8' },
        { 'Idempotency-Key': key },
      );
      expect(first.status).toBe(202);
      await api.sql(
        'UPDATE idempotency_keys SET created_at = NOW(3) - INTERVAL 25 HOUR WHERE `key` = ?',
        [key],
      );
      const reused = await create(
        kim,
        { name: 'old2', type: 'A', value: '192.0.2.8' },
        { 'Idempotency-Key': key },
      );
      expect(reused.status).toBe(202);
      expect(reused.headers.get('idempotent-replayed')).toBeNull();

      await api.sql(
        'UPDATE idempotency_keys SET created_at = NOW(3) - INTERVAL 25 HOUR WHERE `key` = ?',
        [key],
      );
      expect(await api.app.get(IdempotencyStore).purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await api.sql('SELECT * FROM idempotency_keys WHERE `key` = ?', [key])).toEqual([]);
    });

    it('refuses an unusable key', async () => {
      const answer = await create(
        token,
        { name: 'k2', type: 'A', value: '192.0.2.6' },
        { 'Idempotency-Key': 'x'.repeat(129) },
      );
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
    });
  });

  describe('progress stream', () => {
    let id: string;
    beforeAll(async () => {
      const answer = await create(await api.token(uniqueId('jane')), {
        name: 'slow',
        type: 'A',
        value: '192.0.2.9',
      });
      id = (answer.json as { id: string }).id;
    });

    it('sends the status, the steps and heartbeats, and gives up after its maximum duration', async () => {
      const owner = (await api.dbRecords('id = ?', [id]))[0]?.['username'];
      const stream = await readEvents(
        `${api.baseUrl}/api/v1/records/${id}/events`,
        await api.token(String(owner)),
      );
      expect(stream.status).toBe(200);
      expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
      expect(stream.events[0]).toEqual({
        event: 'status',
        data: expect.objectContaining({ id, status: 'pending' }),
      });
      expect(
        stream.events
          .filter((e) => e.event === 'step')
          .map((e) => (e.data as { step: string }).step),
      ).toEqual(['sync-db-status', 'add-db-record', 'check-dns-status', 'create-dns-record']);
      expect(stream.comments).toContain('heartbeat');
      expect(stream.events.at(-1)).toEqual({
        event: 'done',
        data: { status: 'pending', statusReason: null, timedOut: true },
      });
    });

    it('stops streaming when the client goes away', async () => {
      const owner = String((await api.dbRecords('id = ?', [id]))[0]?.['username']);
      const abort = new AbortController();
      const response = await fetch(`${api.baseUrl}/api/v1/records/${id}/events`, {
        headers: { Authorization: `Bearer ${await api.token(owner)}` },
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      abort.abort();
      await waitFor(() =>
        api.logs.some(
          (line) => line['path'] === `/api/v1/records/${id}/events` && line['aborted'] === true,
        ),
      );
    });
  });

  describe('authentication', () => {
    it('answers 401 with WWW-Authenticate to a request without a token', async () => {
      const answer = await api.request('GET', '/api/v1/records');
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="starchart"');
      expect(answer.headers.get('content-type')).toContain(PROBLEM);
    });

    it('answers 401 to an expired token and a forged one', async () => {
      const expired = await api.token(alice, { expiresIn: Math.floor(Date.now() / 1000) - 10 });
      const forged = `${aliceToken.slice(0, -4)}AAAA`;
      for (const token of [expired, forged]) {
        const answer = await api.request('GET', '/api/v1/records', { token });
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });

    it('answers 403 to a token whose subject cannot be a username', async () => {
      const answer = await api.request('GET', '/api/v1/records', {
        token: await api.token('Not_A_Label'),
      });
      expect(answer.status).toBe(403);
      expect((answer.json as { detail: string }).detail).toContain(
        'cannot be a Starchart username',
      );
    });

    it('checks the token before anything else: a bad body without a token is still a 401', async () => {
      const answer = await api.request('POST', '/api/v1/records', { body: { name: 'x' } });
      expect(answer.status).toBe(401);
    });
  });

  describe('request ids and logs', () => {
    it('echoes X-Request-Id and logs one JSON line per request with it', async () => {
      const answer = await api.request('GET', '/api/v1/records', {
        token: aliceToken,
        headers: { 'X-Request-Id': 'trace-123' },
      });
      expect(answer.headers.get('x-request-id')).toBe('trace-123');
      await waitFor(() => api.logs.some((line) => line['requestId'] === 'trace-123'));
      const lines = api.logs.filter((line) => line['requestId'] === 'trace-123');
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'log',
          msg: 'request',
          method: 'GET',
          path: '/api/v1/records',
          status: 200,
          durationMs: expect.any(Number),
          user: alice,
        }),
      ]);
    });

    it('keeps answered health probes out of the log, which would bury the requests of people', async () => {
      const probe = await api.request('GET', '/health', { headers: { 'X-Request-Id': 'probe-1' } });
      expect(probe.status).toBe(200);
      await api.request('GET', '/api/v1/records', {
        token: aliceToken,
        headers: { 'X-Request-Id': 'after-probe' },
      });
      // Lines are written in the order the answers finish: once the later one is there, the
      // probe's would be too.
      await waitFor(() => api.logs.some((line) => line['requestId'] === 'after-probe'));
      expect(api.logs.filter((line) => line['requestId'] === 'probe-1')).toEqual([]);
    });

    it('generates an id when none (or a hostile one) is sent', async () => {
      const answer = await api.request('GET', '/health', {
        headers: { 'X-Request-Id': 'bad id\twith tab' },
      });
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
