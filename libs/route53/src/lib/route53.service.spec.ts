import { answerData, queryDns, testStack, uniqueId } from '@starchart/testing';
import { EmulatorControl } from '../../test/support/emulator';
import { createService, deleteKeys, testConfig, waitForInsync } from '../../test/support/service';
import { InvalidChangeError, RecordSetExistsError, RecordSetNotFoundError } from './errors';
import type { RecordChange } from './record-set';
import type { Route53Service } from './route53.service';

// Bisection and INSYNC waits take seconds at Route 53's 5 calls per second.
jest.setTimeout(30_000);

// The shared emulator, with a hosted zone of this file's own.
describe('Route53Service', () => {
  const stack = testStack();
  const keyPrefix = `${uniqueId('r53svc')}:`;
  let zoneName: string;
  let service: Route53Service;

  beforeAll(async () => {
    const zone = await new EmulatorControl(stack.emulator.apiUrl).createZone(
      `${uniqueId('svc')}.test`,
    );
    zoneName = zone.name.replace(/\.$/, '');
    service = createService({
      config: testConfig(stack.emulator.apiUrl, zone.id),
      redisUrl: stack.redis.url,
      keyPrefix,
    });
  });

  afterAll(async () => {
    await service.close();
    await deleteKeys(stack.redis.url, keyPrefix);
  });

  it('reads the name of its hosted zone', async () => {
    await expect(service.zoneName).resolves.toBe(zoneName);
  });

  it('fails exactly the 3 invalid changes of 100, each with its reason, and applies the other 97', async () => {
    const taken = `taken.${zoneName}`;
    await service.submitChange(a('CREATE', taken, '192.0.2.1'));

    const valid = Array.from({ length: 97 }, (_, i) =>
      a('UPSERT', `ok${i}.${zoneName}`, `198.51.100.${i}`),
    );
    const cnameOverA: RecordChange = {
      action: 'UPSERT',
      recordSet: { name: taken, type: 'CNAME', ttl: 60, values: ['elsewhere.test'] },
    };
    const notAnIp = a('UPSERT', `bad-ip.${zoneName}`, 'not-an-ip');
    const createExisting = a('CREATE', taken, '192.0.2.2');
    const invalid = [cnameOverA, notAnIp, createExisting];
    const changes = [
      ...valid.slice(0, 30),
      cnameOverA,
      ...valid.slice(30, 60),
      notAnIp,
      ...valid.slice(60),
      createExisting,
    ];
    const results = await Promise.allSettled(changes.map((change) => service.submitChange(change)));

    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [{ change: changes[i], error: result.reason as Error }] : [],
    );
    expect(failures.map((f) => f.change)).toEqual(invalid);
    const [cname, badIp, duplicate] = failures.map((f) => f.error);
    expect(cname).toBeInstanceOf(InvalidChangeError);
    expect(cname?.message).toMatch(/CNAME.*conflicts with other records/);
    expect(badIp).toBeInstanceOf(InvalidChangeError);
    expect(badIp?.message).toMatch(/ARRDATAIllegalIPv4Address.*not-an-ip/);
    expect(duplicate).toBeInstanceOf(RecordSetExistsError);
    expect(duplicate?.message).toMatch(/already exists/);
    for (const { error } of failures) expect(error).toMatchObject({ retryable: false });

    const inZone = new Map<string, string[]>();
    for await (const recordSet of service.listRecordSets()) {
      if (recordSet.type === 'A') inZone.set(recordSet.name, recordSet.values);
    }
    for (const { recordSet } of valid) expect(inZone.get(recordSet.name)).toEqual(recordSet.values);
    expect(inZone.get(taken)).toEqual(['192.0.2.1']);
    expect(inZone.has(`bad-ip.${zoneName}`)).toBe(false);
  });

  it('reports the DELETE of a record set that is not there as RecordSetNotFoundError', async () => {
    await expect(
      service.submitChange(a('DELETE', `missing.${zoneName}`, '192.0.2.1')),
    ).rejects.toBeInstanceOf(RecordSetNotFoundError);
  });

  it('round-trips a 600-character TXT value, which DNS answers as several strings', async () => {
    const name = `_acme-challenge.${zoneName}`;
    const text = Array.from({ length: 600 }, (_, i) => 'abcdefghij"\\'[i % 12]).join('');
    const { changeId } = await service.submitChange({
      action: 'UPSERT',
      recordSet: { name, type: 'TXT', ttl: 60, values: [text] },
    });

    await expect(service.getRecordSet(name, 'TXT')).resolves.toEqual({
      name,
      type: 'TXT',
      ttl: 60,
      values: [text],
    });
    await waitForInsync(service, [changeId]);
    const [strings] = answerData(await queryDns(stack.emulator.dnsPort, name, 'TXT'), 'TXT');
    expect(Array.isArray(strings)).toBe(true);
    const parts = (strings as Buffer[]).map((part) => part.toString('utf8'));
    expect(parts.map((part) => part.length)).toEqual([255, 255, 90]);
    expect(parts.join('')).toBe(text);
  });

  it('keeps a wildcard name as written and finds it again', async () => {
    const name = `*.wild.${zoneName}`;
    await service.submitChange(a('UPSERT', name, '192.0.2.7'));
    await expect(service.getRecordSet(`*.WILD.${zoneName}.`, 'A')).resolves.toMatchObject({
      name,
      values: ['192.0.2.7'],
    });
  });

  it('reads a record set that does not exist as undefined', async () => {
    await expect(service.getRecordSet(`nothing.${zoneName}`, 'A')).resolves.toBeUndefined();
    await expect(service.getRecordSet(`taken.${zoneName}`, 'AAAA')).resolves.toBeUndefined();
  });
});

function a(action: RecordChange['action'], name: string, value: string): RecordChange {
  return { action, recordSet: { name, type: 'A', ttl: 60, values: [value] } };
}
