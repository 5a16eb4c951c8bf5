import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { zoneNamesUnder } from '../../test/support/zone';

const PROBLEM = 'application/problem+json';

describe('bad input gets a clear 4xx and changes nothing', () => {
  let api: ApiHarness;
  const frank = uniqueId('frank');
  let zone: string;
  let token: string;
  let keysBefore: string[];

  beforeAll(async () => {
    api = await startApi();
    token = await api.token(frank);
    zone = `${frank}.${api.config.rootDomain}`;
    // BullMQ writes each queue's metadata key once connected; wait so it is not taken for a job.
    await api.queuesReady();
  });

  afterAll(async () => {
    await api?.close();
  });

  beforeEach(async () => {
    keysBefore = (await api.queueKeys()).sort();
  });

  /** No row and no job: the request left no trace (so no worker can ever touch the zone). */
  async function expectNothingChanged(): Promise<void> {
    expect(await api.dbRecords('username = ?', [frank])).toEqual([]);
    expect((await api.queueKeys()).sort()).toEqual(keysBefore);
  }

  const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}`;
  it.each([
    ['an unknown field', { name: 'www', type: 'A', value: '192.0.2.1', owner: 'x' }, 'owner'],
    ['a missing value', { name: 'www', type: 'A' }, 'value'],
    ['an unknown type', { name: 'www', type: 'NAPTR', value: 'x' }, 'type'],
    ['a name with a space', { name: 'w w', type: 'A', value: '192.0.2.1' }, 'name'],
    ['an underscore inside a label', { name: 'my_host', type: 'A', value: '192.0.2.1' }, 'name'],
    ['a wildcard in the middle', { name: 'a.*.b', type: 'A', value: '192.0.2.1' }, 'name'],
    ['a label of 64 characters', { name: 'x'.repeat(64), type: 'A', value: '192.0.2.1' }, 'name'],
    ['a name too long for DNS', { name: long, type: 'A', value: '192.0.2.1' }, 'name'],
    ['an IPv6 address in an A record', { name: 'www', type: 'A', value: '2001:db8::1' }, 'value'],
    [
      'an IPv4 address in an AAAA record',
      { name: 'www', type: 'AAAA', value: '192.0.2.1' },
      'value',
    ],
    ['an IP address as CNAME target', { name: 'www', type: 'CNAME', value: '192.0.2.1' }, 'value'],
    ['a CNAME to its own name', { name: 'self', type: 'CNAME', value: 'SELF.{zone}.' }, 'value'],
    [
      'an MX host that is not a host name',
      { name: '@', type: 'MX', value: 'mail', priority: 10 },
      'value',
    ],
    ['an MX without priority', { name: '@', type: 'MX', value: 'mail.example.com' }, 'priority'],
    [
      'an MX priority out of range',
      { name: '@', type: 'MX', value: 'mail.example.com', priority: 70000 },
      'priority',
    ],
    [
      'a priority on an A record',
      { name: 'www', type: 'A', value: '192.0.2.1', priority: 1 },
      'priority',
    ],
    ['a TTL below 60', { name: 'www', type: 'A', value: '192.0.2.1', ttl: 59 }, 'ttl'],
    ['a TTL above a day', { name: 'www', type: 'A', value: '192.0.2.1', ttl: 86401 }, 'ttl'],
    ['a TTL that is text', { name: 'www', type: 'A', value: '192.0.2.1', ttl: '300' }, 'ttl'],
    ['TXT with a line break', { name: 'www', type: 'TXT', value: 'a\nb' }, 'value'],
    ['TXT over 4000 characters', { name: 'www', type: 'TXT', value: 'x'.repeat(4001) }, 'value'],
    [
      'CAA flags above 255',
      { name: '@', type: 'CAA', value: '256 issue "letsencrypt.org"' },
      'value',
    ],
    [
      'CAA reserved flag bits',
      { name: '@', type: 'CAA', value: '1 issue "letsencrypt.org"' },
      'value',
    ],
    ['an unknown CAA tag', { name: '@', type: 'CAA', value: '0 issuemail "x.org"' }, 'value'],
    [
      'an unquoted CAA value',
      { name: '@', type: 'CAA', value: '0 issue letsencrypt.org' },
      'value',
    ],
    ['a CAA issuer that is no domain', { name: '@', type: 'CAA', value: '0 issue "le"' }, 'value'],
    [
      'an iodef that is not a mailto: or http(s): URL',
      { name: '@', type: 'CAA', value: '0 iodef "javascript:alert(1)"' },
      'value',
    ],
    [
      'an SRV port out of range',
      {
        name: '_sip._tcp',
        type: 'SRV',
        value: 'sip.example.com',
        priority: 1,
        weight: 1,
        port: 65536,
      },
      'port',
    ],
    [
      'an SRV weight below 0',
      {
        name: '_sip._tcp',
        type: 'SRV',
        value: 'sip.example.com',
        priority: 1,
        weight: -1,
        port: 1,
      },
      'weight',
    ],
    [
      'an SRV priority out of range',
      {
        name: '_sip._tcp',
        type: 'SRV',
        value: 'sip.example.com',
        priority: 65536,
        weight: 1,
        port: 1,
      },
      'priority',
    ],
    [
      'an SRV target that is an address',
      { name: '_sip._tcp', type: 'SRV', value: '192.0.2.1', priority: 1, weight: 1, port: 1 },
      'value',
    ],
    [
      'an SRV name not shaped _service._proto',
      { name: 'sip', type: 'SRV', value: 'sip.example.com', priority: 1, weight: 1, port: 1 },
      'name',
    ],
    [
      'an SRV without port',
      { name: '_sip._tcp', type: 'SRV', value: 'sip.example.com', priority: 1, weight: 1 },
      'port',
    ],
    ['a port on a CAA record', { name: '@', type: 'CAA', value: '0 issue ";"', port: 1 }, 'port'],
  ])('refuses %s with 400 naming the field', async (_case, body, field) => {
    const sent: unknown = JSON.parse(JSON.stringify(body).replace('{zone}', zone));
    const answer = await api.request('POST', '/api/v1/records', { token, body: sent });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain(PROBLEM);
    expect(answer.json).toMatchObject({
      type: 'urn:starchart:problem:invalid-input',
      status: 400,
      title: 'The request is not valid',
      detail: expect.stringContaining(field),
      errors: expect.arrayContaining([{ field, message: expect.any(String) }]),
    });
    await expectNothingChanged();
  });

  it('refuses malformed JSON with a problem', async () => {
    const answer = await api.request('POST', '/api/v1/records', {
      token,
      rawBody: '{"name": "www",',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain(PROBLEM);
    expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:malformed-json' });
    await expectNothingChanged();
  });

  it('refuses a body that is not JSON with 415', async () => {
    const answer = await api.request('POST', '/api/v1/records', {
      token,
      rawBody: 'name=www&type=A&value=192.0.2.1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(415);
    expect(answer.headers.get('content-type')).toContain(PROBLEM);
    expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:unsupported-media-type' });
    await expectNothingChanged();
  });

  it('refuses a POST without a body with 400, and one with a non-JSON body with 415', async () => {
    // As browsers send it: Content-Length: 0 and no Content-Type.
    const bare = await api.request('POST', '/api/v1/records', { token });
    expect(bare.status).toBe(400);
    expect(bare.json).toMatchObject({
      errors: [{ field: 'body', message: 'must be a JSON object' }],
    });
    const typeless = await api.request('POST', '/api/v1/records', {
      token,
      rawBody: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(typeless.status).toBe(415);
    const empty = await api.request('POST', '/api/v1/records', {
      token,
      rawBody: '',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({
      errors: [
        { field: 'name', message: 'is required' },
        { field: 'type', message: 'is required' },
        { field: 'value', message: 'is required' },
      ],
    });
    await expectNothingChanged();
  });

  it('refuses a body over 16 kB with 413', async () => {
    const answer = await api.request('POST', '/api/v1/records', {
      token,
      body: { name: 'www', type: 'TXT', value: 'x'.repeat(17 * 1024) },
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toContain(PROBLEM);
    expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:payload-too-large' });
    await expectNothingChanged();
  });

  it('answers unknown endpoints with a problem, never a Nest error body', async () => {
    const answer = await api.request('GET', '/api/v1/nope', { token });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toContain(PROBLEM);
    expect(answer.json).toEqual({
      type: 'urn:starchart:problem:route-not-found',
      title: 'No such endpoint',
      status: 404,
      detail: 'There is no endpoint at this path with this method.',
      retryable: false,
      errors: [],
      instance: '/api/v1/nope',
      requestId: expect.any(String),
    });
  });

  it('answers 404 to an id that is not a record id', async () => {
    const answer = await api.request('GET', '/api/v1/records/not-a-uuid', { token });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ type: 'urn:starchart:problem:record-not-found' });
  });

  it('refuses an empty PATCH and changes nothing', async () => {
    const answer = await api.request(
      'PATCH',
      '/api/v1/records/00000000-0000-4000-8000-000000000000',
      {
        token,
        body: {},
      },
    );
    expect(answer.status).toBe(400);
    await expectNothingChanged();
  });

  it('left nothing in the hosted zone', async () => {
    expect(await zoneNamesUnder(zone)).toEqual([]);
  });
});
