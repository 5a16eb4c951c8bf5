import { testStack, uniqueId } from '@starchart/testing';
import { Redis } from 'ioredis';
import { startPrivateEmulator, type PrivateEmulator } from '../../../test/support/emulator';
import { createService, deleteKeys, testConfig } from '../../../test/support/service';
import type { Route53Service } from '../route53.service';
import { SharedRateLimiter } from './shared-rate-limiter';

jest.setTimeout(30_000);

/** The most grants that fall in any window of `windowMs` starting at a grant. */
function busiestWindow(grantTimes: readonly number[], windowMs: number): number {
  const sorted = [...grantTimes].sort((x, y) => x - y);
  return Math.max(
    ...sorted.map((start) => sorted.filter((t) => t >= start && t < start + windowMs).length),
  );
}

describe('SharedRateLimiter', () => {
  const redisUrl = testStack().redis.url;
  const keyPrefix = `${uniqueId('r53rate')}:`;
  const connections: Redis[] = [];

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
    await deleteKeys(redisUrl, keyPrefix);
  });

  it('never lets two processes together exceed the rate in any rolling second', async () => {
    const limiters = [0, 1].map(() => {
      const redis = new Redis(redisUrl);
      connections.push(redis);
      return new SharedRateLimiter(redis, { keyPrefix, ratePerSecond: 10 });
    });
    const started = Date.now();
    const grants = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        await limiters[i % 2]?.acquire();
        return Date.now();
      }),
    );
    expect(busiestWindow(grants, 1_000)).toBeLessThanOrEqual(10);
    // 30 calls at 10 per second: the first 10 at once, then two more seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });
});

// The emulator throttles like Route 53 (5 per second, bursts of 5), so it is the judge here.
describe('Route53Service at the rate Route 53 allows', () => {
  const redisUrl = testStack().redis.url;
  const keyPrefix = `${uniqueId('r53rate')}:`;
  let emulator: PrivateEmulator;
  let services: Route53Service[];

  beforeAll(async () => {
    emulator = await startPrivateEmulator({ rps: 5, burst: 5, insyncDelayMs: 500 });
    const zone = await emulator.control.createZone(`${uniqueId('rate')}.test`);
    // Two instances with connections of their own stand for two worker processes.
    services = [0, 1].map(() =>
      createService({ config: testConfig(emulator.apiUrl, zone.id), redisUrl, keyPrefix }),
    );
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await emulator.close();
    await deleteKeys(redisUrl, keyPrefix);
  });

  it('gets no Throttling from Route 53 while two processes submit, poll and read at once', async () => {
    const zoneName = (await services[0]?.zoneName) ?? '';
    const deadline = Date.now() + 4_000;
    const loops = services.flatMap((service, s) => {
      let latest: string | undefined;
      const submitting = async () => {
        for (let i = 0; Date.now() < deadline; i += 1) {
          const { changeId } = await service.submitChange({
            action: 'UPSERT',
            recordSet: {
              name: `p${s}-${i}.${zoneName}`,
              type: 'A',
              ttl: 60,
              values: ['192.0.2.1'],
            },
          });
          latest = changeId;
        }
      };
      const polling = async () => {
        while (Date.now() < deadline) {
          if (latest) await service.getChangeStatus(latest);
          else await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const reading = async () => {
        while (Date.now() < deadline) await service.getRecordSet(`p${s}-0.${zoneName}`, 'A');
      };
      return [submitting(), polling(), reading(), reading()];
    });
    await Promise.all(loops);

    const { requests, throttled } = await emulator.control.counters();
    const total = Object.values(requests).reduce<number>((sum, n) => sum + (n ?? 0), 0);
    expect(throttled).toBe(0);
    // Proof that the limit was reached: about 5 calls per second for 4 seconds, plus the burst.
    expect(total).toBeGreaterThanOrEqual(16);
  });
});
