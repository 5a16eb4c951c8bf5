import { hashPassword } from '../auth/password-hash';
import { ConfigError, loadBoardConfig } from './board-config';

const FAST = { cost: 1024, blockSize: 8, parallelization: 1 };

function configError(env: Record<string, string | undefined>): string {
  try {
    loadBoardConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loadBoardConfig accepted an invalid environment');
}

describe('loadBoardConfig', () => {
  let passwordHash: string;

  beforeAll(async () => {
    passwordHash = await hashPassword('pw', FAST);
  });

  it('applies the defaults: loopback, port 3002, writable, the {starchart} prefix', () => {
    const config = loadBoardConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      BOARD_USERNAME: 'operator',
      BOARD_PASSWORD_HASH: passwordHash,
    });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3002,
      readOnly: false,
      queue: { redisUrl: 'redis://127.0.0.1:6379', redisCluster: false, prefix: '{starchart}' },
      credentials: { username: 'operator', passwordHash: { cost: 1024, blockSize: 8 } },
    });
  });

  it('turns BOARD_READ_ONLY=true into a read-only board', () => {
    const config = loadBoardConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      BOARD_USERNAME: 'operator',
      BOARD_PASSWORD_HASH: passwordHash,
      BOARD_READ_ONLY: 'true',
      BOARD_PORT: '0',
    });
    expect(config.readOnly).toBe(true);
    expect(config.port).toBe(0);
  });

  it('refuses to start without credentials, naming both variables', () => {
    const message = configError({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(message).toMatch(/BOARD_USERNAME: is required/);
    expect(message).toMatch(/BOARD_PASSWORD_HASH: is required.*hash-password/);
  });

  it('refuses a password hash it cannot verify against', () => {
    const message = configError({
      REDIS_URL: 'redis://127.0.0.1:6379',
      BOARD_USERNAME: 'operator',
      BOARD_PASSWORD_HASH: 'plain-text-password',
    });
    expect(message).toMatch(/BOARD_PASSWORD_HASH: not a scrypt/);
  });

  it('names every malformed variable at once', () => {
    const message = configError({
      REDIS_URL: 'http://127.0.0.1',
      BOARD_USERNAME: 'user:name',
      BOARD_PASSWORD_HASH: passwordHash,
      BOARD_PORT: '70000',
      BOARD_READ_ONLY: 'perhaps',
    });
    for (const variable of ['REDIS_URL', 'BOARD_USERNAME', 'BOARD_PORT', 'BOARD_READ_ONLY']) {
      expect(message).toContain(`${variable}:`);
    }
  });
});
