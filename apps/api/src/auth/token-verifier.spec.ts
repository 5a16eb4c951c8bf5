import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiError,
  AuthenticationError,
  ForbiddenError,
  ServiceUnavailableError,
} from '../problems/api-errors';
import { TokenVerifier } from './token-verifier';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const key = new TextEncoder().encode(SECRET);

function sign(
  claims: JWTPayload = {},
  { expiresIn = '5m', secret = key }: { expiresIn?: string | number; secret?: Uint8Array } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'alice')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

describe('TokenVerifier with a shared secret', () => {
  const verifier = new TokenVerifier({ secret: SECRET });

  it('accepts a valid token and takes the username from sub', async () => {
    await expect(verifier.verifyAuthorization(`Bearer ${await sign()}`)).resolves.toEqual({
      username: 'alice',
      isAdmin: false,
      email: null,
    });
  });

  it('carries the email claim when it is an address, and ignores it otherwise', async () => {
    await expect(verifier.verify(await sign({ email: 'alice@example.edu' }))).resolves.toEqual({
      username: 'alice',
      isAdmin: false,
      email: 'alice@example.edu',
    });
    await expect(verifier.verify(await sign({ email: 'not an address' }))).resolves.toMatchObject({
      email: null,
    });
    await expect(verifier.verify(await sign({ email: ['a@example.edu'] }))).resolves.toMatchObject({
      email: null,
    });
  });

  it('makes an admin of a token whose roles contain admin', async () => {
    const token = await sign({ roles: ['reader', 'admin'] });
    await expect(verifier.verify(token)).resolves.toEqual({
      username: 'alice',
      isAdmin: true,
      email: null,
    });
    await expect(verifier.verify(await sign({ roles: 'admin' }))).resolves.toMatchObject({
      isAdmin: false,
    });
  });

  it('asks for a token when there is none, without an error code', async () => {
    const error = await refusal(verifier.verifyAuthorization(undefined));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.headers()).toEqual({ 'WWW-Authenticate': 'Bearer realm="starchart"' });
  });

  it('refuses another authorization scheme', async () => {
    const error = await refusal(verifier.verifyAuthorization('Basic YWxpY2U6c2VjcmV0'));
    expect(error.status).toBe(401);
    expect(error.detail).toContain('Bearer <token>');
  });

  it('refuses an expired token', async () => {
    const expired = await sign({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const error = await refusal(verifier.verify(expired));
    expect(error.status).toBe(401);
    expect(error.detail).toBe('The token has expired; get a new one.');
    expect(error.headers()['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('refuses a token it accepted before, once that token has expired', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await sign({ sub: 'carol' }, { expiresIn: expiresAt });
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'carol' });
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    const error = await refusal(verifier.verify(token));
    expect(error.detail).toBe('The token has expired; get a new one.');
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await sign({}, { secret: new TextEncoder().encode('x'.repeat(48)) });
    const error = await refusal(verifier.verify(forged));
    expect(error.status).toBe(401);
    expect(error.detail).toBe('The token signature is not valid.');
  });

  it('refuses a token with a tampered payload', async () => {
    const [header, , signature] = (await sign()).split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'mallory', exp: 4_000_000_000 })).toString(
      'base64url',
    );
    const error = await refusal(verifier.verify(`${header}.${payload}.${signature}`));
    expect(error.detail).toBe('The token signature is not valid.');
  });

  it('refuses an algorithm other than HS256', async () => {
    const hs512 = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('y'.repeat(64)));
    const error = await refusal(verifier.verify(hs512));
    expect(error.status).toBe(401);
    expect(error.detail).toContain('algorithm this api does not accept');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'alice', exp: 4_000_000_000 })).toString(
      'base64url',
    );
    const error = await refusal(verifier.verify(`${header}.${payload}.`));
    expect(error.status).toBe(401);
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    const early = await sign({ nbf: Math.floor(Date.now() / 1000) + 600 });
    const error = await refusal(verifier.verify(early));
    expect(error.status).toBe(401);
    expect(error.detail).toContain('"nbf" claim');
  });

  it('refuses an RS256 token, whatever key signed it', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('5m')
      .sign(privateKey);
    const error = await refusal(verifier.verify(rs256));
    expect(error.detail).toContain('algorithm this api does not accept');
  });

  it('refuses a token without an expiry', async () => {
    const endless = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    const error = await refusal(verifier.verify(endless));
    expect(error.status).toBe(401);
    expect(error.detail).toContain('"exp"');
  });

  it('refuses something that is not a JWT', async () => {
    const error = await refusal(verifier.verifyAuthorization('Bearer not-a-jwt'));
    expect(error.status).toBe(401);
    expect(error.detail).toBe('The token is not a valid JWT.');
  });

  it.each([
    ['Alice', 'lower-case letters'],
    ['al_ice', 'lower-case letters'],
    ['-alice', 'must not start or end with a hyphen'],
    ['a'.repeat(33), '1 to 32 characters'],
    ['', '1 to 32 characters'],
  ])('refuses the subject %j with 403', async (sub, reason) => {
    const token = await new SignJWT({ sub })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(key);
    const error = await refusal(verifier.verify(token));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.detail).toContain('cannot be a Starchart username');
    expect(error.detail).toContain(reason);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = new TokenVerifier({
      secret: SECRET,
      issuer: 'https://login.example.edu/',
      audience: 'starchart',
    });
    const good = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://login.example.edu/')
      .setAudience('starchart')
      .setExpirationTime('5m')
      .sign(key);
    await expect(strict.verify(good)).resolves.toMatchObject({ username: 'alice' });
    const error = await refusal(strict.verify(await sign()));
    expect(error.status).toBe(401);
    expect(error.detail).toMatch(/"(iss|aud)" claim/);
  });
});

describe('TokenVerifier with an identity provider (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let rsaPrivateKey: CryptoKey;
  let rsaPublicPem: string;
  let rsaPublicJwk: JWK;
  const ISSUER = 'https://idp.example';
  const AUDIENCE = 'starchart-api';

  /** A token of the provider as it should be, with what a test changes. */
  function idpToken(
    claims: JWTPayload = {},
    { alg = 'RS256', kid = 'k2', key }: { alg?: string; kid?: string; key?: CryptoKey } = {},
  ): Promise<string> {
    return new SignJWT({ sub: 'bob', ...claims })
      .setProtectedHeader({ alg, kid })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : '5m')
      .sign(key ?? rsaPrivateKey);
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const rsa = await generateKeyPair('RS256', { extractable: true });
    rsaPrivateKey = rsa.privateKey;
    rsaPublicPem = await exportSPKI(rsa.publicKey);
    rsaPublicJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' };
    server = createServer((_request, response) => {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk, rsaPublicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('accepts a token signed by a key of the set', async () => {
    const verifier = new TokenVerifier({ jwksUrl });
    const token = await new SignJWT({ sub: 'bob', roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verifier.verify(token)).resolves.toEqual({
      username: 'bob',
      isAdmin: true,
      email: null,
    });
  });

  it('refuses an HS256 token, whatever its secret', async () => {
    const verifier = new TokenVerifier({ jwksUrl });
    const error = await refusal(verifier.verify(await sign()));
    expect(error.status).toBe(401);
  });

  it('answers 503 when the key set cannot be fetched', async () => {
    const verifier = new TokenVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    const token = await new SignJWT({ sub: 'bob' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await refusal(verifier.verify(token))).toBeInstanceOf(ServiceUnavailableError);
  });
  describe('with issuer and audience pinned', () => {
    const strict = () => new TokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });

    it('accepts a token of the provider for this api', async () => {
      await expect(strict().verify(await idpToken())).resolves.toMatchObject({ username: 'bob' });
    });

    it.each([
      ['the public key as PEM', () => rsaPublicPem],
      ['the public JWK as JSON', () => JSON.stringify(rsaPublicJwk)],
      ['the modulus of the public key', () => rsaPublicJwk.n ?? ''],
    ])('refuses an HS256 token whose HMAC secret is %s', async (_what, secretOf) => {
      const forged = await new SignJWT({ sub: 'bob' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k2' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secretOf()));
      const error = await refusal(strict().verify(forged));
      expect(error.status).toBe(401);
      expect(error.detail).toContain('algorithm this api does not accept');
    });

    it.each(['none', 'None', 'HS256', 'HS512'])(
      'refuses a token whose header claims alg %s over a valid signature',
      async (alg) => {
        const [, payload, signature] = (await idpToken()).split('.');
        const header = Buffer.from(JSON.stringify({ alg, kid: 'k2' })).toString('base64url');
        const error = await refusal(strict().verify(`${header}.${payload}.${signature}`));
        expect(error.status).toBe(401);
      },
    );

    it('refuses an unsigned token (alg none, empty signature)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const [, payload] = (await idpToken()).split('.');
      expect((await refusal(strict().verify(`${header}.${payload}.`))).status).toBe(401);
    });

    it('refuses a token whose header names the RSA key but which another key signed', async () => {
      const error = await refusal(
        strict().verify(await idpToken({}, { key: privateKey, alg: 'ES256' })),
      );
      expect(error.status).toBe(401);
    });

    it('refuses an expired token', async () => {
      const expired = await idpToken({ exp: Math.floor(Date.now() / 1000) - 120 });
      const error = await refusal(strict().verify(expired));
      expect(error.detail).toBe('The token has expired; get a new one.');
    });

    it('refuses a token that is not valid yet (nbf in the future)', async () => {
      const early = await idpToken({ nbf: Math.floor(Date.now() / 1000) + 600 });
      const error = await refusal(strict().verify(early));
      expect(error.status).toBe(401);
      expect(error.detail).toContain('"nbf" claim');
    });

    it('refuses a token of another issuer', async () => {
      const error = await refusal(strict().verify(await idpToken({ iss: 'https://evil.example' })));
      expect(error.status).toBe(401);
      expect(error.detail).toContain('"iss" claim');
    });

    it('refuses a token for another audience', async () => {
      const error = await refusal(strict().verify(await idpToken({ aud: 'another-api' })));
      expect(error.status).toBe(401);
      expect(error.detail).toContain('"aud" claim');
    });
  });
});
