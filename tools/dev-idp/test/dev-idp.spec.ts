import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningDevIdp, runToExit, startDevIdp } from './dev-idp-process';

// The sign-in flows are tested against the dev-idp of the stack, in tools/testing
// (src/lib/dev-idp.spec.ts); these pin what only a process of its own shows.
const WEB_ORIGIN = 'http://127.0.0.1:3001';

describe('the dev-idp process', () => {
  let dataDir: string;
  let idp: RunningDevIdp;
  const args = () => ['--port', '0', '--data-dir', dataDir, '--web-origin', WEB_ORIGIN];
  const kids = async () => {
    const jwks = (await (await fetch(idp.ready.jwksUrl)).json()) as { keys: { kid: string }[] };
    return jwks.keys.map((key) => key.kid);
  };

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dev-idp-'));
  });

  afterAll(async () => {
    await idp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('announces its issuer, client, audience and users once it answers', async () => {
    idp = await startDevIdp(args());
    expect(idp.ready).toMatchObject({
      issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      clientId: 'starchart-web',
      audience: 'starchart-api',
      signingKeyFile: path.join(dataDir, 'signing-key.json'),
    });
    expect(idp.ready.jwksUrl).toBe(`${idp.ready.issuer}/jwks`);
    expect(idp.ready.users.map((user) => [user.username, user.roles])).toEqual([
      ['alice', []],
      ['bob', []],
      ['admin', ['admin']],
    ]);
  });

  it('keeps its signing key, readable by its owner only, across a restart', async () => {
    const before = await kids();
    expect(before).toHaveLength(1);
    expect(statSync(idp.ready.signingKeyFile).mode & 0o077).toBe(0);
    await idp.stop();
    idp = await startDevIdp(args());
    expect(await kids()).toEqual(before);
  });

  it('refuses to listen on a non-loopback address', async () => {
    const exited = await runToExit([
      '--host',
      '0.0.0.0',
      '--data-dir',
      dataDir,
      '--web-origin',
      WEB_ORIGIN,
    ]);
    expect(exited.code).toBe(2);
    expect(exited.stderr).toContain('host: must be a loopback address');
  });
});
