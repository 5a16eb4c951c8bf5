import { FlowHarness } from '../../test/support/harness';

jest.setTimeout(30_000);

describe('the DNS record flow', () => {
  let h: FlowHarness;
  let insyncDelayMs: number;

  beforeAll(async () => {
    h = await FlowHarness.start();
    insyncDelayMs = await h.insyncDelayMs();
  });

  afterAll(() => h?.close());

  it('makes a created record active and answers it over DNS soon after INSYNC', async () => {
    const record = h.newRecord({ value: '192.0.2.10' });
    const started = Date.now();
    await h.submit('create', record);

    const row = await h.waitForRecord(record.id, (r) => r?.status !== 'pending');
    const elapsed = Date.now() - started;

    expect(row).toMatchObject({ status: 'active', statusReason: null, version: 1 });
    expect(row?.changeId).toEqual(expect.any(String));
    await expect(h.lookup(record.fqdn, 'A')).resolves.toEqual({
      rcode: 'NOERROR',
      data: ['192.0.2.10'],
    });
    expect(elapsed).toBeLessThan(insyncDelayMs + 1_500);
  });

  it('answers the new value after an update, and NXDOMAIN after a delete', async () => {
    const record = h.newRecord({ value: '192.0.2.20' });
    await h.submit('create', record);
    await h.waitForRecord(record.id, (r) => r?.status === 'active');

    Object.assign(record, { value: '192.0.2.21', ttl: 120, version: 2 });
    await h.submit('update', record);
    const updated = await h.waitForRecord(record.id, (r) => r?.status !== 'pending');
    expect(updated).toMatchObject({ status: 'active', version: 2, value: '192.0.2.21', ttl: 120 });
    await expect(h.lookup(record.fqdn, 'A')).resolves.toEqual({
      rcode: 'NOERROR',
      data: ['192.0.2.21'],
    });

    record.version = 3;
    await h.submit('delete', record);
    await expect(h.waitForRecord(record.id, (r) => r === null)).resolves.toBeNull();
    await expect(h.lookup(record.fqdn, 'A')).resolves.toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('publishes MX, AAAA, long TXT, SRV and CAA records as the user wrote them', async () => {
    const txt = `v=spf1 ${'include:_spf.example.com '.repeat(14)}-all`;
    const records = [
      h.newRecord({ type: 'MX', value: 'mail.example.com', priority: 10 }),
      h.newRecord({ type: 'AAAA', value: '2001:db8::10' }),
      h.newRecord({ type: 'TXT', value: txt }),
      h.newRecord({
        name: '_sip._tcp',
        type: 'SRV',
        value: 'sip.example.com',
        priority: 10,
        weight: 5,
        port: 5060,
      }),
      h.newRecord({ name: '@', type: 'CAA', value: '0 issue "letsencrypt.org"' }),
    ];
    await Promise.all(records.map((record) => h.submit('create', record)));

    for (const record of records) {
      await expect(
        h.waitForRecord(record.id, (r) => r?.status !== 'pending'),
      ).resolves.toMatchObject({
        status: 'active',
      });
    }
    const [mx, aaaa, long, srv, caa] = records.map((record) => record.fqdn);
    await expect(h.lookup(mx ?? '', 'MX')).resolves.toMatchObject({
      data: ['10 mail.example.com'],
    });
    await expect(h.lookup(aaaa ?? '', 'AAAA')).resolves.toMatchObject({ data: ['2001:db8::10'] });
    await expect(h.lookup(long ?? '', 'TXT')).resolves.toMatchObject({ data: [txt] });
    await expect(h.lookup(srv ?? '', 'SRV')).resolves.toMatchObject({
      data: ['10 5 5060 sip.example.com'],
    });
    await expect(h.lookup(caa ?? '', 'CAA')).resolves.toMatchObject({
      data: ['0 issue "letsencrypt.org"'],
    });
  });
});
