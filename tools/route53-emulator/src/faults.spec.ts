import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
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
import { FaultInjector } from './faults';
import { RunningEmulator } from './index';
import { RCODE } from './resolver';

describe('fault injection', () => {
  let emulator: RunningEmulator;
  let client: Route53Client;
  let zoneId: string;
  const createRecord = (name: string) =>
    client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: name,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.1' }],
              },
            },
          ],
        },
      }),
    );
  const getZone = () => client.send(new GetHostedZoneCommand({ Id: zoneId }));

  beforeEach(async () => {
    emulator = await startTestEmulator({ zones: ['example.com'] });
    client = route53Client(emulator);
    zoneId = emulator.zones[0]?.id ?? '';
  });

  afterEach(async () => {
    client.destroy();
    await emulator.close();
  });

  it('fails the next N calls of an operation with InternalFailure (500), then recovers', async () => {
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'ChangeResourceRecordSets',
      kind: 'InternalFailure',
      count: 2,
    });
    for (const name of ['a.example.com', 'b.example.com']) {
      const error = await serviceError(createRecord(name));
      expect(error.name).toBe('InternalFailure');
      expect(error.$metadata.httpStatusCode).toBe(500);
    }
    await expect(getZone()).resolves.toBeDefined();
    await expect(createRecord('c.example.com')).resolves.toBeDefined();
    const sets = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(sets.ResourceRecordSets?.map((s) => s.Name)).not.toContain('a.example.com.');
  });

  it('injects Throttling and PriorRequestNotComplete as Route 53 sends them', async () => {
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'GetHostedZone',
      kind: 'Throttling',
      count: 1,
    });
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'ChangeResourceRecordSets',
      kind: 'PriorRequestNotComplete',
      count: 1,
    });
    const throttled = await serviceError(getZone());
    expect(throttled).toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    const prior = await serviceError(createRecord('a.example.com'));
    expect(prior.name).toBe('PriorRequestNotComplete');
    expect(prior.$metadata.httpStatusCode).toBe(400);
  });

  it('ends a throttling window given forMs on time, however many calls it had left', async () => {
    const added = await control(emulator, 'POST', '/_emulator/faults', {
      operation: '*',
      kind: 'Throttling',
      count: 100,
      forMs: 400,
    });
    expect(added.body).toMatchObject({ count: 100, forMs: 400, expiresAt: expect.any(String) });
    expect((await serviceError(getZone())).name).toBe('Throttling');
    await new Promise((done) => setTimeout(done, 450));
    await expect(getZone()).resolves.toBeDefined();
    expect((await control(emulator, 'GET', '/_emulator/faults')).body).toEqual({ faults: [] });
  });

  it('delays calls by delayMs and then answers them normally', async () => {
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'GetHostedZone',
      kind: 'Delay',
      count: 1,
      delayMs: 250,
    });
    const started = Date.now();
    await getZone();
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const again = Date.now();
    await getZone();
    expect(Date.now() - again).toBeLessThan(200);
  });

  it('keeps the next N changes PENDING with StuckPending until faults are cleared', async () => {
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'ChangeResourceRecordSets',
      kind: 'StuckPending',
      count: 1,
    });
    const stuck = await createRecord('stuck.example.com');
    const status = async () =>
      (await client.send(new GetChangeCommand({ Id: stuck.ChangeInfo?.Id }))).ChangeInfo?.Status;
    expect(await status()).toBe('PENDING');
    expect(await status()).toBe('PENDING');
    expect(rcodeOf(await queryDns(emulator.dnsPort, 'stuck.example.com', 'A'))).toBe(
      RCODE.NXDOMAIN,
    );

    await control(emulator, 'DELETE', '/_emulator/faults');
    expect(await status()).toBe('INSYNC');
    expect(rcodeOf(await queryDns(emulator.dnsPort, 'stuck.example.com', 'A'))).toBe(RCODE.NOERROR);
  });

  it('fails every matching call with probability 1, on any operation for *, until cleared', async () => {
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: '*',
      kind: 'InternalFailure',
      probability: 1,
    });
    for (let i = 0; i < 3; i += 1)
      expect((await serviceError(getZone())).name).toBe('InternalFailure');
    expect((await serviceError(createRecord('a.example.com'))).name).toBe('InternalFailure');
    await control(emulator, 'DELETE', '/_emulator/faults');
    await expect(getZone()).resolves.toBeDefined();
  });

  it('counts requests per operation, throttled calls, injected faults and accepted changes', async () => {
    await control(emulator, 'POST', '/_emulator/faults', {
      operation: 'GetHostedZone',
      kind: 'InternalFailure',
      count: 1,
    });
    await serviceError(getZone());
    await getZone();
    await createRecord('a.example.com');
    emulator.state.configure({ rps: 1, burst: 1 });
    await createRecord('b.example.com');
    await serviceError(createRecord('c.example.com'));
    const counters = await control(emulator, 'GET', '/_emulator/counters');
    expect(counters.body).toEqual({
      requests: {
        CreateHostedZone: 0,
        GetHostedZone: 2,
        ListHostedZones: 0,
        ListHostedZonesByName: 0,
        DeleteHostedZone: 0,
        ChangeResourceRecordSets: 3,
        GetChange: 0,
        ListResourceRecordSets: 0,
        GetHostedZoneLimit: 0,
        GetHostedZoneCount: 0,
        UpdateHostedZoneComment: 0,
      },
      throttled: 1,
      faultsInjected: 1,
      changes: 2,
      recordsChanged: 2,
    });
  });
});

describe('FaultInjector', () => {
  it('fires a probability rule for the fraction of calls its random source decides', () => {
    const draws = [0.01, 0.9, 0.04, 0.5];
    const injector = new FaultInjector(() => draws.shift() ?? 1);
    injector.add({ operation: 'GetChange', kind: 'Throttling', probability: 0.05 });
    const outcomes = Array.from({ length: 4 }, () => injector.forRequest('GetChange')?.kind);
    expect(outcomes).toEqual(['Throttling', undefined, 'Throttling', undefined]);
    expect(injector.list()).toHaveLength(1);
  });

  it('leaves other operations alone and drops a count rule once used up', () => {
    const injector = new FaultInjector();
    injector.add({ operation: 'GetChange', kind: 'InternalFailure', count: 1 });
    expect(injector.forRequest('ListResourceRecordSets')).toBeUndefined();
    expect(injector.forRequest('GetChange')).toEqual({ kind: 'InternalFailure' });
    expect(injector.forRequest('GetChange')).toBeUndefined();
    expect(injector.list()).toEqual([]);
  });

  it('lapses a rule with forMs on time, used up or not, and lists when it lapses', () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const injector = new FaultInjector(Math.random, () => now);
    injector.add({ operation: '*', kind: 'Throttling', count: 15, forMs: 1_500 });
    injector.add({ operation: 'GetChange', kind: 'InternalFailure', probability: 1 });
    expect(injector.list()[0]).toMatchObject({ count: 15, expiresAt: '2026-01-01T00:00:01.500Z' });
    expect(injector.forRequest('GetChange')).toEqual({ kind: 'Throttling' });
    now += 1_499;
    expect(injector.forRequest('ChangeResourceRecordSets')).toEqual({ kind: 'Throttling' });
    expect(injector.list()[0]).toMatchObject({ count: 13 });
    now += 1;
    // Lapsed with 13 calls left: the next rule answers, and the listing no longer shows it.
    expect(injector.forRequest('ChangeResourceRecordSets')).toBeUndefined();
    expect(injector.forRequest('GetChange')).toEqual({ kind: 'InternalFailure' });
    expect(injector.list()).toEqual([
      { operation: 'GetChange', kind: 'InternalFailure', probability: 1, id: 2 },
    ]);
  });

  it('holds changes only for StuckPending rules, which requests do not see', () => {
    const injector = new FaultInjector();
    injector.add({ operation: '*', kind: 'StuckPending', count: 2 });
    expect(injector.forRequest('ChangeResourceRecordSets')).toBeUndefined();
    expect([
      injector.holdsChange('ChangeResourceRecordSets'),
      injector.holdsChange('CreateHostedZone'),
    ]).toEqual([true, true]);
    expect(injector.holdsChange('ChangeResourceRecordSets')).toBe(false);
  });
});
