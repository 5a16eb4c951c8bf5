import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  GetHostedZoneLimitCommand,
  ListHostedZonesCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import {
  control,
  queryDns,
  rcodeOf,
  route53Client,
  serviceError,
  startTestEmulator,
} from '../test/helpers';
import { RunningEmulator } from './index';
import { RCODE } from './resolver';

describe('control API', () => {
  let emulator: RunningEmulator;
  let client: Route53Client;

  beforeEach(async () => {
    emulator = await startTestEmulator({
      zones: ['example.com'],
      rps: 7,
      burst: 9,
      insyncDelayMs: 10,
    });
    client = route53Client(emulator);
  });

  afterEach(async () => {
    client.destroy();
    await emulator.close();
  });

  it('reports health', async () => {
    expect(await control(emulator, 'GET', '/_emulator/health')).toEqual({
      status: 200,
      body: { ok: true },
    });
  });

  it('reads and changes the config at runtime, and refuses bad values', async () => {
    expect((await control(emulator, 'GET', '/_emulator/config')).body).toEqual({
      insyncDelayMs: 10,
      rps: 7,
      burst: 9,
      maxRecordSetsPerZone: 10_000,
    });
    const changed = await control(emulator, 'POST', '/_emulator/config', {
      rps: 0,
      insyncDelayMs: 1500,
      maxRecordSetsPerZone: 500,
    });
    expect(changed).toEqual({
      status: 200,
      body: { insyncDelayMs: 1500, rps: 0, burst: 9, maxRecordSetsPerZone: 500 },
    });
    for (const bad of [
      { maxRecordSetsPerZone: 0 },
      { maxRecordSetsPerZone: 2.5 },
      { rps: -1 },
      { burst: 0 },
      { insyncDelayMs: 1.5 },
      { rsp: 5 },
      { rps: '5' },
    ]) {
      const reply = await control(emulator, 'POST', '/_emulator/config', bad);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ error: expect.any(String) });
    }
    expect((await control(emulator, 'GET', '/_emulator/config')).body).toEqual({
      insyncDelayMs: 1500,
      rps: 0,
      burst: 9,
      maxRecordSetsPerZone: 500,
    });
  });

  it('creates a zone, INSYNC at once, or returns the existing one of that name', async () => {
    const created = await control(emulator, 'POST', '/_emulator/zones', { name: 'Starchart.Test' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\/hostedzone\/Z[A-Z0-9]{13,21}$/),
      name: 'starchart.test.',
      maxRecordSets: 10_000,
    });
    expect(rcodeOf(await queryDns(emulator.dnsPort, 'starchart.test', 'SOA'))).toBe(RCODE.NOERROR);
    const again = await control(emulator, 'POST', '/_emulator/zones', { name: 'starchart.test.' });
    expect(again).toEqual({ status: 200, body: created.body });
    const existing = await control(emulator, 'POST', '/_emulator/zones', { name: 'example.com' });
    expect(existing.body).toEqual({
      id: emulator.zones[0]?.id,
      name: 'example.com.',
      maxRecordSets: 10_000,
    });
  });

  it("sets a zone's own record set quota, new or existing, and null restores the default", async () => {
    const small = await control(emulator, 'POST', '/_emulator/zones', {
      name: 'small.test',
      maxRecordSets: 3,
    });
    expect(small).toMatchObject({ status: 201, body: { name: 'small.test.', maxRecordSets: 3 } });
    const id = (small.body as { id: string }).id;
    const limit = () =>
      client.send(new GetHostedZoneLimitCommand({ HostedZoneId: id, Type: 'MAX_RRSETS_BY_ZONE' }));
    expect((await limit()).Limit?.Value).toBe(3);
    // The emulator's default moves every zone without a limit of its own, not this one.
    await control(emulator, 'POST', '/_emulator/config', { maxRecordSetsPerZone: 50 });
    expect((await limit()).Limit?.Value).toBe(3);
    const restored = await control(emulator, 'POST', '/_emulator/zones', {
      name: 'small.test',
      maxRecordSets: null,
    });
    expect(restored).toMatchObject({ status: 200, body: { id, maxRecordSets: 50 } });
    expect((await limit()).Limit?.Value).toBe(50);
    const bad = await control(emulator, 'POST', '/_emulator/zones', {
      name: 'small.test',
      maxRecordSets: 0,
    });
    expect(bad.status).toBe(400);
  });

  it('refuses bad bodies with 400 and a message', async () => {
    const bad: [string, unknown][] = [
      ['/_emulator/zones', { name: 'a..b' }],
      ['/_emulator/zones', { name: 'ok.test', extra: true }],
      ['/_emulator/zones', '{not json'],
      ['/_emulator/zones', ''],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'Explode', count: 1 }],
      ['/_emulator/faults', { operation: 'GetChanges', kind: 'InternalFailure', count: 1 }],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'InternalFailure' }],
      [
        '/_emulator/faults',
        { operation: 'GetChange', kind: 'InternalFailure', count: 1, probability: 0.5 },
      ],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'InternalFailure', count: 0 }],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'InternalFailure', probability: 1.5 }],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'Delay', count: 1 }],
      [
        '/_emulator/faults',
        { operation: 'GetChange', kind: 'InternalFailure', count: 1, delayMs: 5 },
      ],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'StuckPending', count: 1 }],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'Throttling', count: 1, forMs: 0 }],
      ['/_emulator/faults', { operation: 'GetChange', kind: 'Throttling', count: 1, forMs: '1s' }],
      ['/_emulator/reset', { keepConfig: 'yes' }],
    ];
    for (const [path, body] of bad) {
      const reply = await control(emulator, 'POST', path, body);
      expect({ path, body, status: reply.status }).toEqual({ path, body, status: 400 });
      expect(reply.body).toEqual({ error: expect.any(String) });
    }
    expect((await control(emulator, 'GET', '/_emulator/faults')).body).toEqual({ faults: [] });
  });

  it('lists and clears faults', async () => {
    const added = await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'GetChange',
      kind: 'Delay',
      count: 2,
      delayMs: 5,
    });
    expect(added).toEqual({
      status: 201,
      body: { id: 1, operation: 'GetChange', kind: 'Delay', count: 2, delayMs: 5 },
    });
    expect((await control(emulator, 'GET', '/_emulator/faults')).body).toEqual({
      faults: [added.body],
    });
    expect(await control(emulator, 'DELETE', '/_emulator/faults')).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await control(emulator, 'GET', '/_emulator/faults')).body).toEqual({ faults: [] });
  });

  it('logs every accepted change by name and type, and nothing of a refused batch', async () => {
    const zoneId = emulator.zones[0]?.id ?? '';
    const change = (
      action: 'CREATE' | 'DELETE',
      name: string,
      type: 'TXT' | 'CNAME',
      value: string,
    ) =>
      client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: action,
                ResourceRecordSet: {
                  Name: name,
                  Type: type,
                  TTL: 60,
                  ResourceRecords: [{ Value: value }],
                },
              },
            ],
          },
        }),
      );
    await change('CREATE', 'A.Example.com.', 'TXT', '"one"');
    // A CNAME beside the TXT: refused, so not logged.
    await serviceError(change('CREATE', 'a.example.com', 'CNAME', 'b.example.com'));
    await change('DELETE', 'a.example.com', 'TXT', '"one"');

    const { body } = await control(emulator, 'GET', '/_emulator/changes');
    expect((body as { changes: unknown[] }).changes).toEqual([
      expect.objectContaining({ zoneId, action: 'CREATE', name: 'a.example.com', type: 'TXT' }),
      expect.objectContaining({ zoneId, action: 'DELETE', name: 'a.example.com', type: 'TXT' }),
    ]);
    await control(emulator, 'POST', '/_emulator/reset');
    expect((await control(emulator, 'GET', '/_emulator/changes')).body).toEqual({ changes: [] });
  });

  it('resets zones, counters, faults and config, recreating startup zones with their ids', async () => {
    const extra = await control(emulator, 'POST', '/_emulator/zones', { name: 'extra.test' });
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'ListHostedZones',
      kind: 'InternalFailure',
      count: 5,
    });
    await control(emulator, 'POST', '/_emulator/config', { rps: 0 });
    await serviceError(client.send(new ListHostedZonesCommand({})));

    expect(await control(emulator, 'POST', '/_emulator/reset')).toEqual({
      status: 200,
      body: { ok: true },
    });

    expect((await control(emulator, 'GET', '/_emulator/faults')).body).toEqual({ faults: [] });
    expect((await control(emulator, 'GET', '/_emulator/config')).body).toEqual({
      insyncDelayMs: 10,
      rps: 7,
      burst: 9,
      maxRecordSetsPerZone: 10_000,
    });
    const counters = await control(emulator, 'GET', '/_emulator/counters');
    expect(counters.body).toMatchObject({
      throttled: 0,
      faultsInjected: 0,
      changes: 0,
      recordsChanged: 0,
    });
    const zones = await client.send(new ListHostedZonesCommand({}));
    expect(zones.HostedZones?.map((z) => [z.Id, z.Name])).toEqual([
      [emulator.zones[0]?.id, 'example.com.'],
    ]);
    const extraId = (extra.body as { id: string }).id;
    expect((await serviceError(client.send(new GetHostedZoneCommand({ Id: extraId })))).name).toBe(
      'NoSuchHostedZone',
    );
    expect(rcodeOf(await queryDns(emulator.dnsPort, 'example.com', 'SOA'))).toBe(RCODE.NOERROR);
  });

  it('keeps the config through a reset when asked to', async () => {
    await control(emulator, 'POST', '/_emulator/config', { burst: 2 });
    await control(emulator, 'POST', '/_emulator/reset', { keepConfig: true });
    expect((await control(emulator, 'GET', '/_emulator/config')).body).toEqual({
      insyncDelayMs: 10,
      rps: 7,
      burst: 2,
      maxRecordSetsPerZone: 10_000,
    });
  });

  it('is not throttled and answers 404 and 405 for unknown endpoints and methods', async () => {
    await control(emulator, 'POST', '/_emulator/config', { rps: 1, burst: 1 });
    for (let i = 0; i < 5; i += 1)
      expect((await control(emulator, 'GET', '/_emulator/health')).status).toBe(200);
    expect((await control(emulator, 'GET', '/_emulator/nothing')).status).toBe(404);
    expect((await control(emulator, 'PUT', '/_emulator/config', {})).status).toBe(405);
  });
});
