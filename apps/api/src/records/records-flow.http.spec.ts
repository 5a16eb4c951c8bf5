import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { readEvents } from '../../test/support/sse';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';
import { changeTxtDirectly, queryDns } from '../../test/support/zone';

jest.setTimeout(60_000);

interface RecordBody {
  id: string;
  fqdn: string;
  status: string;
  value: string;
}

describe('records end to end, with the worker and the Route 53 emulator', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  const alice = uniqueId('alice');
  let token: string;

  beforeAll(async () => {
    api = await startApi({ tweak: (config) => (config.events.heartbeatMs = 200) });
    worker = await startWorker(api.env);
    token = await api.token(alice);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  async function waitForStatus(id: string, wanted: string | 404): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 30_000;
    let last: unknown;
    while (Date.now() < deadline) {
      const answer = await api.request('GET', `/api/v1/records/${id}`, { token });
      last = answer.json;
      if (wanted === 404 ? answer.status === 404 : (answer.json as RecordBody).status === wanted) {
        return answer.json as Record<string, unknown>;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `record ${id} never reached ${wanted}; last seen ${JSON.stringify(last)}\nworker:\n${worker.output()}`,
    );
  }

  it('reports the worker in /health', async () => {
    const answer = await api.request('GET', '/health');
    expect(answer.json).toMatchObject({ status: 'ok', workers: 1 });
  });

  it('creates, updates and deletes a record that answers over DNS', async () => {
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name: 'www', type: 'A', value: '192.0.2.10', ttl: 60 },
    });
    expect(created.status).toBe(202);
    const record = created.json as RecordBody;
    expect(record.status).toBe('pending');

    const active = await waitForStatus(record.id, 'active');
    expect(active).toMatchObject({ statusReason: null, value: '192.0.2.10' });
    expect((active['steps'] as { state: string }[]).map((step) => step.state)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    expect(await queryDns(record.fqdn, 'A')).toEqual({ rcode: 'NOERROR', data: ['192.0.2.10'] });

    const updated = await api.request('PATCH', `/api/v1/records/${record.id}`, {
      token,
      body: { value: '192.0.2.20' },
    });
    expect(updated.status).toBe(202);
    expect(updated.json).toMatchObject({ status: 'pending', value: '192.0.2.20' });
    await waitForStatus(record.id, 'active');
    expect(await queryDns(record.fqdn, 'A')).toEqual({ rcode: 'NOERROR', data: ['192.0.2.20'] });

    const deleted = await api.request('DELETE', `/api/v1/records/${record.id}`, { token });
    expect(deleted.status).toBe(202);
    expect(deleted.json).toMatchObject({ status: 'deleting' });
    await waitForStatus(record.id, 404);
    expect(await queryDns(record.fqdn, 'A')).toEqual({ rcode: 'NXDOMAIN', data: [] });
    expect(await api.dbRecords('id = ?', [record.id])).toEqual([]);
  });

  it('streams step and status events until the record settles', async () => {
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name: '_dmarc', type: 'TXT', value: 'v=DMARC1; p=none' },
    });
    const record = created.json as RecordBody;
    const stream = await readEvents(`${api.baseUrl}/api/v1/records/${record.id}/events`, token);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');

    const kinds = stream.events.map((event) => event.event);
    expect(kinds[0]).toBe('status');
    expect(kinds.at(-1)).toBe('done');
    expect(stream.events.at(-1)?.data).toEqual({
      status: 'active',
      statusReason: null,
      timedOut: false,
    });
    const statuses = stream.events
      .filter((e) => e.event === 'status')
      .map((e) => (e.data as RecordBody).status);
    expect(statuses).toEqual(expect.arrayContaining(['active']));
    // A step may be reported completed twice: once more when its attempt count catches up.
    const completedSteps = new Set(
      stream.events
        .filter((e) => e.event === 'step' && (e.data as { state: string }).state === 'completed')
        .map((e) => (e.data as { step: string }).step),
    );
    expect([...completedSteps].sort()).toEqual([
      'add-db-record',
      'check-dns-status',
      'create-dns-record',
      'sync-db-status',
    ]);
    expect(await queryDns(record.fqdn, 'TXT')).toEqual({
      rcode: 'NOERROR',
      data: ['v=DMARC1; p=none'],
    });
  });

  it('ends the stream of a deleted record with status gone', async () => {
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name: 'gone', type: 'AAAA', value: '2001:db8::1' },
    });
    const record = created.json as RecordBody;
    await waitForStatus(record.id, 'active');
    expect((await api.request('DELETE', `/api/v1/records/${record.id}`, { token })).status).toBe(
      202,
    );
    const stream = await readEvents(`${api.baseUrl}/api/v1/records/${record.id}/events`, token);
    expect(stream.events.at(-1)).toEqual({
      event: 'done',
      data: { status: 'gone', statusReason: null, timedOut: false },
    });
    expect(stream.comments).toEqual(expect.arrayContaining(['heartbeat']));
    expect(await queryDns(record.fqdn, 'AAAA')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('publishes MX, CNAME and long TXT records as DNS answers', async () => {
    const longText = `v=spf1 ${'include:_spf.example.com '.repeat(15)}-all`;
    const bodies = [
      { name: '@', type: 'MX', value: 'mail.example.com', priority: 10 },
      { name: 'docs', type: 'CNAME', value: 'pages.example.org.' },
      { name: 'spf', type: 'TXT', value: longText },
    ];
    const records: RecordBody[] = [];
    for (const body of bodies) {
      const answer = await api.request('POST', '/api/v1/records', { token, body });
      expect(answer.status).toBe(202);
      records.push(answer.json as RecordBody);
    }
    for (const record of records) await waitForStatus(record.id, 'active');
    const [mx, cname, txt] = records as [RecordBody, RecordBody, RecordBody];
    expect(mx.fqdn).toBe(`${alice}.${api.config.rootDomain}`);
    expect(await queryDns(mx.fqdn, 'MX')).toEqual({
      rcode: 'NOERROR',
      data: ['10 mail.example.com'],
    });
    expect(await queryDns(cname.fqdn, 'CNAME')).toEqual({
      rcode: 'NOERROR',
      data: ['pages.example.org'],
    });
    expect(longText.length).toBeGreaterThan(255);
    expect(await queryDns(txt.fqdn, 'TXT')).toEqual({ rcode: 'NOERROR', data: [longText] });
  });

  it('publishes SRV and CAA records that dig sees, and changes an SRV port', async () => {
    const srvBody = {
      name: '_sip._tcp',
      type: 'SRV',
      value: 'SIP.example.com.',
      priority: 10,
      weight: 5,
      port: 5060,
    };
    const caaBody = { name: '@', type: 'CAA', value: '0 issue "letsencrypt.org"' };
    const srvAnswer = await api.request('POST', '/api/v1/records', { token, body: srvBody });
    const caaAnswer = await api.request('POST', '/api/v1/records', { token, body: caaBody });
    expect(srvAnswer.status).toBe(202);
    expect(caaAnswer.status).toBe(202);
    const srv = srvAnswer.json as RecordBody;
    const caa = caaAnswer.json as RecordBody;
    expect(srv).toMatchObject({ value: 'sip.example.com', priority: 10, weight: 5, port: 5060 });
    expect(caa).toMatchObject({ value: '0 issue "letsencrypt.org"', priority: null, port: null });
    await waitForStatus(srv.id, 'active');
    await waitForStatus(caa.id, 'active');
    expect(await queryDns(srv.fqdn, 'SRV')).toEqual({
      rcode: 'NOERROR',
      data: ['10 5 5060 sip.example.com'],
    });
    expect(await queryDns(caa.fqdn, 'CAA')).toEqual({
      rcode: 'NOERROR',
      data: ['0 issue "letsencrypt.org"'],
    });

    const patched = await api.request('PATCH', `/api/v1/records/${srv.id}`, {
      token,
      body: { port: 5061, weight: 0 },
    });
    expect(patched.status).toBe(202);
    await waitForStatus(srv.id, 'active');
    expect(await queryDns(srv.fqdn, 'SRV')).toEqual({
      rcode: 'NOERROR',
      data: ['10 0 5061 sip.example.com'],
    });
    const refused = await api.request('PATCH', `/api/v1/records/${caa.id}`, {
      token,
      body: { value: '0 issue letsencrypt.org', port: 1 },
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      errors: [
        { field: 'value', message: expect.stringContaining('double quotes') },
        { field: 'port', message: 'is only allowed on SRV records' },
      ],
    });
    expect(await queryDns(caa.fqdn, 'CAA')).toMatchObject({ data: ['0 issue "letsencrypt.org"'] });
  });

  it('marks the record error when Route 53 refuses the change, and the stream says why', async () => {
    const fqdn = `clash.${alice}.${api.config.rootDomain}`;
    // Another tool's TXT record: Route 53 refuses a CNAME beside it.
    await changeTxtDirectly('CREATE', fqdn, 'placed by hand');
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name: 'clash', type: 'CNAME', value: 'example.org' },
    });
    expect(created.status).toBe(202);
    const record = created.json as RecordBody;

    const stream = await readEvents(`${api.baseUrl}/api/v1/records/${record.id}/events`, token);
    const done = stream.events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data).toMatchObject({
      status: 'error',
      statusReason: expect.any(String),
      timedOut: false,
    });
    const failed = await api.request('GET', `/api/v1/records/${record.id}`, { token });
    expect(failed.json).toMatchObject({
      status: 'error',
      statusReason: expect.stringMatching(/\S/),
    });
    expect(await queryDns(fqdn, 'CNAME')).toMatchObject({ data: [] });

    // A record in error is settled: it can be deleted.
    expect((await api.request('DELETE', `/api/v1/records/${record.id}`, { token })).status).toBe(
      202,
    );
    await waitForStatus(record.id, 404);
    expect(await queryDns(fqdn, 'TXT')).toEqual({ rcode: 'NOERROR', data: ['placed by hand'] });
    await changeTxtDirectly('DELETE', fqdn, 'placed by hand');
  });
});
