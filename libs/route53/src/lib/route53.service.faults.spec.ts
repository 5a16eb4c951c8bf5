import { testStack, uniqueId } from '@starchart/testing';
import { startPrivateEmulator, type PrivateEmulator } from '../../test/support/emulator';
import { createService, deleteKeys, testConfig, waitForInsync } from '../../test/support/service';
import { Route53AccessDeniedError, Route53ThrottledError } from './errors';
import type { RecordChange } from './record-set';
import type { Route53Observer } from './route53-observer';
import type { Route53Config } from './route53-config';
import type { Route53Service } from './route53.service';

jest.setTimeout(30_000);

// Faults apply to every zone of an emulator, so this file injects them into one of its own.
describe('Route53Service under Route 53 faults', () => {
  const redisUrl = testStack().redis.url;
  const keyPrefix = `${uniqueId('r53fault')}:`;
  let emulator: PrivateEmulator;
  let zone: { id: string; name: string };
  const services: Route53Service[] = [];
  const zoneName = () => zone.name.replace(/\.$/, '');

  function service(overrides: Partial<Route53Config> = {}, maxAttempts?: number): Route53Service {
    const created = createService({
      config: testConfig(emulator.apiUrl, zone.id, overrides),
      redisUrl,
      keyPrefix,
      retryPolicy:
        maxAttempts === undefined ? undefined : { maxAttempts, baseDelayMs: 10, maxDelayMs: 20 },
    });
    services.push(created);
    return created;
  }

  const requests = async (operation: string) =>
    (await emulator.control.counters()).requests[operation] ?? 0;

  beforeAll(async () => {
    emulator = await startPrivateEmulator({ rps: 5, burst: 5, insyncDelayMs: 200 });
    zone = await emulator.control.createZone(`${uniqueId('fault')}.test`);
  });

  afterEach(async () => {
    await emulator.control.clearFaults();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await emulator.close();
    await deleteKeys(redisUrl, keyPrefix);
  });

  it('lands every change while Route 53 throttles and answers with 500s', async () => {
    const route53 = service();
    const faults = [
      { operation: 'ChangeResourceRecordSets', kind: 'Throttling', count: 2 },
      { operation: 'ChangeResourceRecordSets', kind: 'InternalFailure', count: 2 },
      { operation: 'ChangeResourceRecordSets', kind: 'PriorRequestNotComplete', count: 1 },
      { operation: 'GetChange', kind: 'Throttling', count: 1 },
      { operation: 'GetChange', kind: 'InternalFailure', count: 2 },
      { operation: 'ListResourceRecordSets', kind: 'InternalFailure', count: 1 },
    ] as const;
    for (const fault of faults) await emulator.control.addFault(fault);
    const injectedBefore = (await emulator.control.counters()).faultsInjected;

    const changes = Array.from({ length: 60 }, (_, i) =>
      a(`wave${i}.${zoneName()}`, `203.0.113.${i}`),
    );
    const results = await Promise.all(
      changes.map(async (change, i) => {
        // Three waves, so that later changes queue up while earlier batches are being retried.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(i / 20) * 150));
        return route53.submitChange(change);
      }),
    );
    await waitForInsync(
      route53,
      results.map((r) => r.changeId),
    );

    const inZone = new Map<string, string[]>();
    for await (const set of route53.listRecordSets()) inZone.set(set.name, set.values);
    for (const { recordSet } of changes)
      expect(inZone.get(recordSet.name)).toEqual(recordSet.values);
    const { faultsInjected } = await emulator.control.counters();
    expect(faultsInjected - injectedBefore).toBe(faults.reduce((sum, f) => sum + f.count, 0));
  });

  it('gives up with a retryable Route53ThrottledError once its attempts are spent', async () => {
    const route53 = service({}, 3);
    await emulator.control.addFault({
      operation: 'ChangeResourceRecordSets',
      kind: 'Throttling',
      count: 3,
    });
    const before = await requests('ChangeResourceRecordSets');

    const error: unknown = await route53
      .submitChange(a(`given-up.${zoneName()}`, '192.0.2.1'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Route53ThrottledError);
    expect(error).toMatchObject({ retryable: true, code: 'Throttling' });
    expect((await requests('ChangeResourceRecordSets')) - before).toBe(3);
  });

  it('tells its observer of every attempt (throttled, then ok), the batch size and the rate-limit waits', async () => {
    const calls: [string, string][] = [];
    const batches: number[] = [];
    const waits: number[] = [];
    const observer: Route53Observer = {
      called: (operation, outcome, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        calls.push([operation, outcome]);
      },
      batchSent: (changes) => batches.push(changes),
      rateLimitWaited: (seconds) => waits.push(seconds),
    };
    const route53 = createService({
      config: testConfig(emulator.apiUrl, zone.id, { batching: false }),
      redisUrl,
      keyPrefix,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
      observer,
    });
    services.push(route53);
    await emulator.control.addFault({
      operation: 'ChangeResourceRecordSets',
      kind: 'Throttling',
      count: 1,
    });
    await emulator.control.addFault({
      operation: 'ChangeResourceRecordSets',
      kind: 'InternalFailure',
      count: 1,
    });

    await route53.submitChange(a(`observed.${zoneName()}`, '192.0.2.4'));

    expect(calls).toEqual([
      ['ChangeResourceRecordSets', 'throttled'],
      ['ChangeResourceRecordSets', 'error'],
      ['ChangeResourceRecordSets', 'ok'],
    ]);
    expect(batches).toEqual([1]);
    expect(waits).toHaveLength(3);
  });

  it('retries a request that times out', async () => {
    const route53 = service({ requestTimeoutMs: 300 });
    await emulator.control.addFault({
      operation: 'ChangeResourceRecordSets',
      kind: 'Delay',
      delayMs: 1_500,
      count: 1,
    });
    const before = await requests('ChangeResourceRecordSets');

    await expect(route53.submitChange(a(`slow.${zoneName()}`, '192.0.2.2'))).resolves.toEqual({
      changeId: expect.any(String),
    });
    expect((await requests('ChangeResourceRecordSets')) - before).toBe(2);
  });

  it('fails at once, without retrying, when the hosted zone does not exist', async () => {
    const route53 = createService({
      config: testConfig(emulator.apiUrl, '/hostedzone/ZNOSUCHZONE0000'),
      redisUrl,
      keyPrefix,
    });
    services.push(route53);
    const before = await requests('ChangeResourceRecordSets');

    const error: unknown = await route53
      .submitChange(a(`x.${zoneName()}`, '192.0.2.3'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Route53AccessDeniedError);
    expect(error).toMatchObject({ retryable: false, code: 'NoSuchHostedZone' });
    expect((await requests('ChangeResourceRecordSets')) - before).toBe(1);
  });
});

function a(name: string, value: string): RecordChange {
  return { action: 'UPSERT', recordSet: { name, type: 'A', ttl: 60, values: [value] } };
}
