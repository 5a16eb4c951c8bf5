import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';

describe('per-user write rate limit', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After past the limit, per user, and never limits reads', async () => {
    const hank = uniqueId('hank');
    const token = await api.token(hank);
    const write = () =>
      api.request('POST', '/api/v1/records', {
        token,
        body: { name: uniqueId('n'), type: 'A', value: '192.0.2.1' },
      });

    for (let i = 0; i < 3; i += 1) expect((await write()).status).toBe(202);
    const limited = await write();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.json).toMatchObject({
      type: 'urn:starchart:problem:rate-limited',
      retryable: true,
      detail: expect.stringContaining('3 changes per minute'),
    });
    expect(await api.dbRecords('username = ?', [hank])).toHaveLength(3);

    expect((await api.request('GET', '/api/v1/records', { token })).status).toBe(200);
    const other = await api.request('POST', '/api/v1/records', {
      token: await api.token(uniqueId('ivy')),
      body: { name: 'www', type: 'A', value: '192.0.2.1' },
    });
    expect(other.status).toBe(202);
  });
});
