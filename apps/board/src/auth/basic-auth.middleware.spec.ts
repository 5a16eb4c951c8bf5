import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { basicAuth } from './basic-auth.middleware';
import { hashPassword, parsePasswordHash } from './password-hash';

const FAST = { cost: 1024, blockSize: 8, parallelization: 1 };

function basic(userAndPassword: string): string {
  return `Basic ${Buffer.from(userAndPassword, 'utf8').toString('base64')}`;
}

describe('basicAuth', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const passwordHash = parsePasswordHash(await hashPassword('s3cret: with colon', FAST));
    const app = express();
    app.use(basicAuth({ username: 'operator', passwordHash }));
    app.get('/private', (_request, response) => {
      response.send('the board');
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/private`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function get(authorization?: string): Promise<Response> {
    return fetch(url, { headers: authorization === undefined ? {} : { authorization } });
  }

  async function expectChallenge(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="Starchart board"');
    expect(await response.text()).not.toContain('the board');
  }

  it('lets the right username and password through', async () => {
    const response = await get(basic('operator:s3cret: with colon'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('the board');
  });

  it('keeps letting the same credentials through on later requests', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await get(basic('operator:s3cret: with colon'))).status).toBe(200);
    }
  });

  it('challenges a request without credentials', async () => {
    await expectChallenge(await get());
  });

  it('challenges a wrong password', async () => {
    await expectChallenge(await get(basic('operator:s3cret')));
  });

  it('challenges a wrong password after the right one was accepted', async () => {
    expect((await get(basic('operator:s3cret: with colon'))).status).toBe(200);
    await expectChallenge(await get(basic('operator:s3cret: with colon!')));
  });

  it('challenges an unknown username even with the right password', async () => {
    await expectChallenge(await get(basic('admin:s3cret: with colon')));
  });

  it.each([
    ['another scheme', 'Bearer b3BlcmF0b3I6czNjcmV0'],
    ['a value that is not base64', 'Basic operator:s3cret: with colon'],
    ['no colon between user and password', basic('operator')],
    ['an empty value', 'Basic '],
  ])('challenges a malformed header: %s', async (_case, header) => {
    await expectChallenge(await get(header));
  });
});
