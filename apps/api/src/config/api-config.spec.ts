import { ConfigError, loadApiConfig } from './api-config';

const valid = {
  DATABASE_URL: 'mysql://starchart:secret@127.0.0.1:3307/starchart',
  REDIS_URL: 'redis://127.0.0.1:6380',
};

describe('loadApiConfig', () => {
  it('parses a complete environment into typed config', () => {
    const config = loadApiConfig({ ...valid, API_PORT: '4000' });
    expect(config.port).toBe(4000);
    expect(config.database).toMatchObject({
      host: '127.0.0.1',
      port: 3307,
      username: 'starchart',
      database: 'starchart',
    });
  });

  it('names every missing or malformed variable', () => {
    expect(() => loadApiConfig({ REDIS_URL: 'http://x', API_PORT: 'abc' })).toThrow(ConfigError);
    try {
      loadApiConfig({ REDIS_URL: 'http://x', API_PORT: 'abc' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('REDIS_URL');
      expect(message).toContain('API_PORT');
    }
  });
});
