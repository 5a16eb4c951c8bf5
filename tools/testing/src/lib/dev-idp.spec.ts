import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  discover,
  type Discovery,
  exchangeCode,
  HeadlessBrowser,
  refreshTokens,
  signIn,
  startAuthorization,
  submitLogin,
  TokenRequestError,
} from './sign-in';
import { testStack } from './stack';

// The dev-idp that tools/stack started for this run, for the web origin it reserved.
const { devIdp: idp, web } = testStack();
const WEB_ORIGIN = web.origin;
const CLIENT_ID = 'starchart-web';
const REDIRECT_URI = `${WEB_ORIGIN}/auth/callback`;

describe("the stack's development OpenID provider", () => {
  let discovery: Discovery;
  const keySet = createRemoteJWKSet(new URL(idp.jwksUrl));
  const verify = (token: string) =>
    jwtVerify(token, keySet, { issuer: idp.issuer, audience: 'starchart-api' });
  const passwordOf = (username: string) =>
    idp.users.find((user) => user.username === username)?.password ?? '';
  const signInAs = (username: string, password = passwordOf(username)) =>
    signIn({
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      webOrigin: WEB_ORIGIN,
      username,
      password,
    });

  beforeAll(async () => {
    discovery = await discover(idp.issuer);
  });

  it('publishes its issuer, JWKS and endpoints at the discovery document', () => {
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.jwks_uri).toBe(`${idp.issuer}/jwks`);
    expect(idp.users.map((user) => user.username)).toEqual(['alice', 'bob', 'admin']);
  });

  it('signs alice in with PKCE and issues an RS256 access token for starchart-api with her claims', async () => {
    const tokens = await signInAs('alice');
    const { payload, protectedHeader } = await verify(tokens.access_token);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'alice',
      email: 'alice@example.org',
      name: 'Alice Example',
      roles: [],
      client_id: CLIENT_ID,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const idToken = await jwtVerify(tokens.id_token ?? '', keySet, {
      issuer: idp.issuer,
      audience: CLIENT_ID,
    });
    expect(idToken.payload).toMatchObject({ sub: 'alice', email: 'alice@example.org', roles: [] });
  });

  it('gives the admin user the admin role in the access token', async () => {
    const { payload } = await verify((await signInAs('admin')).access_token);
    expect(payload).toMatchObject({ sub: 'admin', roles: ['admin'] });
  });

  it('keeps a wrong password on its labelled login page with an error, then accepts the right one', async () => {
    const browser = new HeadlessBrowser();
    const authorization = await startAuthorization(browser, discovery, {
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
    });
    const login = await browser.fetch(authorization.loginUrl);
    const form = await login.text();
    expect(form).toContain('<label for="username">Username</label>');
    expect(form).toContain('<label for="password">Password</label>');
    expect(login.headers.get('content-security-policy')).toContain("default-src 'none'");

    const wrong = await submitLogin(browser, authorization, 'alice', 'not-her-password');
    if (!('page' in wrong)) throw new Error('a wrong password signed alice in');
    expect(wrong.page.status).toBe(401);
    const page = await wrong.page.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain('The username or password is not correct.');
    expect(page).toContain('value="alice"');
    expect(page).toContain('<label for="password">Password</label>');

    const right = await submitLogin(browser, authorization, 'alice', passwordOf('alice'));
    expect(right).toEqual({ code: expect.any(String) });
  });

  it('refuses an unknown user like a wrong password', async () => {
    const browser = new HeadlessBrowser();
    const authorization = await startAuthorization(browser, discovery, {
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
    });
    const result = await submitLogin(browser, authorization, 'mallory', passwordOf('alice'));
    expect('page' in result && result.page.status).toBe(401);
  });

  it('refuses an authorization request without PKCE', async () => {
    const browser = new HeadlessBrowser();
    const url = new URL(discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const response = await browser.fetch(url.href);
    const callback = new URL(response.headers.get('location') ?? '', url);
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a redirect URI outside the web origins, without redirecting there', async () => {
    await expect(
      startAuthorization(new HeadlessBrowser(), discovery, {
        clientId: CLIENT_ID,
        redirectUri: 'http://127.0.0.1:9999/auth/callback',
      }),
    ).rejects.toThrow(/ended with 400/);
  });

  it('answers CORS on its token endpoint for the web origin only', async () => {
    const preflight = (origin: string) =>
      fetch(discovery.token_endpoint, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const allowed = await preflight(WEB_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);

    const tokens = await signInAs('bob');
    const stranger = refreshTokens(discovery, {
      clientId: CLIENT_ID,
      refreshToken: tokens.refresh_token ?? '',
      origin: 'http://evil.example',
    });
    await expect(stranger).rejects.toBeInstanceOf(TokenRequestError);
    await expect(stranger).rejects.toMatchObject({ status: 400 });
  });

  it('renews the tokens with the refresh token', async () => {
    const first = await signInAs('bob');
    const renewed = await refreshTokens(discovery, {
      clientId: CLIENT_ID,
      refreshToken: first.refresh_token ?? '',
      origin: WEB_ORIGIN,
    });
    const { payload } = await verify(renewed.access_token);
    expect(payload).toMatchObject({ sub: 'bob', email: 'bob@example.org' });
    expect(renewed.access_token).not.toBe(first.access_token);
  });

  it('signs out through end_session, returns to the web origin and ends the refresh token', async () => {
    const browser = new HeadlessBrowser();
    const authorization = await startAuthorization(browser, discovery, {
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
    });
    const login = await submitLogin(browser, authorization, 'alice', passwordOf('alice'));
    if (!('code' in login)) throw new Error('alice could not sign in');
    const tokens = await exchangeCode(discovery, authorization, {
      clientId: CLIENT_ID,
      code: login.code,
      origin: WEB_ORIGIN,
    });

    const end = new URL(discovery.end_session_endpoint);
    end.search = new URLSearchParams({
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: `${WEB_ORIGIN}/`,
    }).toString();
    const confirm = await browser.fetch(end.href);
    const page = await confirm.text();
    expect(page).toContain('Sign out of Starchart?');
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const confirmUrl = new URL(action, end).href;
    const done = await browser.postForm(confirmUrl, { xsrf, logout: 'yes' });
    const { url } = await browser.follow(done, confirmUrl, (next) => next.startsWith(WEB_ORIGIN));
    expect(url).toBe(`${WEB_ORIGIN}/`);

    await expect(
      refreshTokens(discovery, {
        clientId: CLIENT_ID,
        refreshToken: tokens.refresh_token ?? '',
        origin: WEB_ORIGIN,
      }),
    ).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_grant') });
  });
  it('lets `npm run token` sign a token with its key that verifies like one from the login page', async () => {
    const script = resolve(__dirname, '../../../scripts/token.mjs');
    const env = { ...process.env, JWT_SECRET: '' };
    const token = execFileSync(process.execPath, [script, 'alice', '--admin'], {
      env,
      encoding: 'utf8',
    }).trim();
    const { payload } = await verify(token);
    expect(payload).toMatchObject({ sub: 'alice', roles: ['admin'], email: 'alice@example.org' });
  });
});
