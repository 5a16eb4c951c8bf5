import { isLoopback, parseCli } from './cli';

const required = ['--data-dir', '/tmp/idp', '--web-origin', 'http://127.0.0.1:3001'];

describe('the dev-idp command line', () => {
  it('defaults to 127.0.0.1:3003 with the issuer derived once listening', () => {
    expect(parseCli(required)).toEqual({
      kind: 'run',
      options: {
        host: '127.0.0.1',
        port: 3003,
        webOrigins: ['http://127.0.0.1:3001'],
        dataDir: '/tmp/idp',
        container: false,
      },
    });
  });

  it.each(['127.0.0.1', '127.0.0.53', '::1', 'localhost'])(
    'accepts the loopback host %s',
    (host) => {
      expect(isLoopback(host)).toBe(true);
      expect(parseCli([...required, '--host', host]).kind).toBe('run');
    },
  );

  it.each(['0.0.0.0', '::', '192.0.2.1', 'example.org'])(
    'refuses the non-loopback host %s unless told it runs in a container',
    (host) => {
      expect(parseCli([...required, '--host', host])).toEqual({
        kind: 'error',
        message: expect.stringContaining('host: must be a loopback address'),
      });
      expect(parseCli([...required, '--host', host, '--container']).kind).toBe('run');
    },
  );

  it('wants a data directory and at least one web origin, each a bare origin', () => {
    expect(parseCli(['--web-origin', 'http://127.0.0.1:3001'])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('--data-dir is required'),
    });
    expect(parseCli(['--data-dir', 'x'])).toMatchObject({
      message: expect.stringContaining('at least one --web-origin'),
    });
    expect(
      parseCli(['--data-dir', 'x', '--web-origin', 'http://127.0.0.1:3001/app']),
    ).toMatchObject({
      message: expect.stringContaining('must be an origin'),
    });
  });

  it('reports an unknown flag', () => {
    expect(parseCli(['--verbose'])).toMatchObject({ kind: 'error' });
  });
});
