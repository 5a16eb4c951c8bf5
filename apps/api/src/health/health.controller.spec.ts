import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller';

describe('HealthController', () => {
  it('resolves through Nest DI', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [HealthController],
      providers: [{ provide: DataSource, useValue: { query: async () => [1] } }],
    }).compile();
    await expect(moduleRef.get(HealthController).health()).resolves.toEqual({ database: true });
  });
});
