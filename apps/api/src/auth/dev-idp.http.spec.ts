import { signInWithDevIdp, testStack } from '@starchart/testing';
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import { type ApiHarness, startApi } from '../../test/support/api-harness';

// The api configured as in production against a real OpenID provider: the stack's dev-idp,
// through its JWKS, with issuer and audience checked.
describe('bearer tokens of the OpenID provider (HTTP, real dev-idp)', () => {
  const { devIdp } = testStack();
  let api: ApiHarness;

  /** Signs with the dev-idp's own key, so that only the claims a test changes are wrong. */
  async function withProviderKey(claims: JWTPayload): Promise<string> {
    const jwk = JSON.parse(readFileSync(devIdp.signingKeyFile, 'utf8')) as {
      alg: string;
      kid: string;
    };
    return new SignJWT({ sub: 'alice', roles: [], ...claims })
      .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : devIdp.issuer)
      .setAudience(claims.aud ?? devIdp.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await importJWK(jwk, jwk.alg));
  }

  const records = (token: string) => api.request('GET', '/api/v1/records', { token });

  beforeAll(async () => {
    api = await startApi({
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: '',
        JWT_JWKS_URL: devIdp.jwksUrl,
        JWT_ISSUER: devIdp.issuer,
        JWT_AUDIENCE: devIdp.audience,
      },
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it('serves a person signed in through the login page', async () => {
    const tokens = await signInWithDevIdp(testStack(), 'alice');
    const answer = await records(tokens.access_token);
    expect(answer.status).toBe(200);
  });

  it('treats the admin user as an admin', async () => {
    const admin = await signInWithDevIdp(testStack(), 'admin');
    const bob = await signInWithDevIdp(testStack(), 'bob');
    const path = '/api/v1/admin/users';
    expect((await api.request('GET', path, { token: bob.access_token })).status).toBe(403);
    expect((await api.request('GET', path, { token: admin.access_token })).status).toBe(200);
  });

  it('refuses a token of another issuer signed with its own key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'RS256', kid: 'foreign' })
      .setIssuer('https://login.example.org')
      .setAudience(devIdp.audience)
      .setExpirationTime('5m')
      .sign(privateKey);
    const answer = await records(foreign);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('refuses a token with the right key but another issuer', async () => {
    const answer = await records(await withProviderKey({ iss: 'https://login.example.org' }));
    expect(answer.status).toBe(401);
    expect((answer.json as { detail: string }).detail).toContain('"iss" claim');
  });

  it('refuses a token with the right key for another audience', async () => {
    const answer = await records(await withProviderKey({ aud: 'another-api' }));
    expect(answer.status).toBe(401);
    expect((answer.json as { detail: string }).detail).toContain('"aud" claim');
  });

  it('refuses an HS256 token, even one signed with the published development secret', async () => {
    const forged = await new SignJWT({ sub: 'alice', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(devIdp.issuer)
      .setAudience(devIdp.audience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('starchart-development-secret-change-me-0123456789'));
    expect((await records(forged)).status).toBe(401);
  });
});
