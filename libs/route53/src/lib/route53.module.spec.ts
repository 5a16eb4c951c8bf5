import { Redis } from 'ioredis';
import { Test } from '@nestjs/testing';
import { testStack, uniqueId } from '@starchart/testing';
import { EmulatorControl } from '../../test/support/emulator';
import { deleteKeys, testConfig, useDummyCredentials } from '../../test/support/service';
import { Route53UnavailableError } from './errors';
import { Route53Module } from './route53.module';
import { Route53Service } from './route53.service';

describe('Route53Module', () => {
  const stack = testStack();
  const keyPrefix = `${uniqueId('r53mod')}:`;

  afterAll(async () => {
    await deleteKeys(stack.redis.url, keyPrefix);
  });

  it('provides one Route53Service to the whole app and closes it on shutdown', async () => {
    useDummyCredentials();
    const zone = await new EmulatorControl(stack.emulator.apiUrl).createZone(
      `${uniqueId('mod')}.test`,
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        Route53Module.forRoot({
          config: testConfig(stack.emulator.apiUrl, zone.id),
          redis: { open: () => new Redis(stack.redis.url), keyPrefix },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    const service = app.get(Route53Service);
    expect(service.hostedZoneId).toBe(zone.id.replace('/hostedzone/', ''));
    await expect(service.zoneName).resolves.toBe(zone.name.replace(/\.$/, ''));

    await app.close();
    await expect(service.getChangeStatus('C123')).rejects.toBeInstanceOf(Route53UnavailableError);
  });
});
