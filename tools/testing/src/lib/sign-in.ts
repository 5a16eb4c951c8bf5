import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Signs in through an OpenID provider's own login page the way a browser does (authorization
 * code + PKCE, cookies, redirects followed by hand), for tests and scripts that need a real token
 * of the development provider. Speaks only HTTP: it works against any running dev-idp.
 */

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  end_session_endpoint: z.string(),
  jwks_uri: z.string(),
});
export type Discovery = z.infer<typeof discoverySchema>;

const tokenSetSchema = z.object({
  access_token: z.string(),
  id_token: z.string().optional(),
  refresh_token: z.string().optional(),
  expires_in: z.number(),
  token_type: z.string(),
  scope: z.string().optional(),
});
export type TokenSet = z.infer<typeof tokenSetSchema>;

/** A cookie jar and fetch without automatic redirects: each hop is visible to the caller. */
export class HeadlessBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { host } = new URL(url);
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    const headers = new Headers(init.headers);
    if (jar.size > 0)
      headers.set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  async postForm(url: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Follows redirects until `stop` says so or a page answers; returns the last response and its URL. */
  async follow(
    response: Response,
    from: string,
    stop: (url: string) => boolean = () => false,
  ): Promise<{ response: Response; url: string }> {
    let url = from;
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url };
      url = new URL(location, url).href;
      if (stop(url)) return { response, url };
      response = await this.fetch(url);
    }
    throw new Error(`too many redirects, last at ${url}`);
  }
}

export async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery at ${issuer} answered ${response.status}`);
  return discoverySchema.parse(await response.json());
}

export interface Authorization {
  /** The login page's URL: GET shows the form, its form posts to `<url>/login`. */
  loginUrl: string;
  codeVerifier: string;
  state: string;
  redirectUri: string;
}

/** Opens the authorization endpoint like the web app's sign-in button; lands on the login page. */
export async function startAuthorization(
  browser: HeadlessBrowser,
  discovery: Discovery,
  {
    clientId,
    redirectUri,
    scope = 'openid profile email offline_access',
  }: {
    clientId: string;
    redirectUri: string;
    scope?: string;
  },
): Promise<Authorization> {
  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const { response, url: loginUrl } = await browser.follow(await browser.fetch(url.href), url.href);
  if (response.status !== 200)
    throw new Error(`the authorization request ended with ${response.status} at ${loginUrl}`);
  await response.body?.cancel();
  return { loginUrl, codeVerifier, state, redirectUri };
}

/** Posts the login form; on success follows the redirects back to the app's callback with a code. */
export async function submitLogin(
  browser: HeadlessBrowser,
  authorization: Authorization,
  username: string,
  password: string,
): Promise<{ code: string } | { page: Response }> {
  const action = `${authorization.loginUrl}/login`;
  const posted = await browser.postForm(action, { username, password });
  const { response, url } = await browser.follow(posted, action, (next) =>
    next.startsWith(authorization.redirectUri),
  );
  if (!url.startsWith(authorization.redirectUri)) return { page: response };
  const params = new URL(url).searchParams;
  const code = params.get('code');
  if (params.get('state') !== authorization.state || !code)
    throw new Error(`the callback came back without a code or with another state: ${url}`);
  return { code };
}

/** Redeems a code at the token endpoint as the browser app does (with its Origin, no secret). */
export async function exchangeCode(
  discovery: Discovery,
  authorization: Authorization,
  { clientId, code, origin }: { clientId: string; code: string; origin: string },
): Promise<TokenSet> {
  return tokenRequest(discovery, origin, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: authorization.codeVerifier,
    redirect_uri: authorization.redirectUri,
  });
}

export async function refreshTokens(
  discovery: Discovery,
  { clientId, refreshToken, origin }: { clientId: string; refreshToken: string; origin: string },
): Promise<TokenSet> {
  return tokenRequest(discovery, origin, {
    grant_type: 'refresh_token',
    client_id: clientId,
    refresh_token: refreshToken,
  });
}

export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the token endpoint answered ${status}: ${body}`);
  }
}

async function tokenRequest(
  discovery: Discovery,
  origin: string,
  fields: Record<string, string>,
): Promise<TokenSet> {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
    body: new URLSearchParams(fields).toString(),
  });
  const body = await response.text();
  if (!response.ok) throw new TokenRequestError(response.status, body);
  return tokenSetSchema.parse(JSON.parse(body));
}

export interface DevIdpSignIn {
  issuer: string;
  clientId: string;
  /** The web app's origin; its `/auth/callback` is the redirect URI. */
  webOrigin: string;
  username: string;
  password: string;
}

/** The whole sign-in in one call: the tokens the web app would hold afterwards. */
export async function signIn({
  issuer,
  clientId,
  webOrigin,
  username,
  password,
}: DevIdpSignIn): Promise<TokenSet> {
  const browser = new HeadlessBrowser();
  const discovery = await discover(issuer);
  const redirectUri = `${webOrigin}/auth/callback`;
  const authorization = await startAuthorization(browser, discovery, { clientId, redirectUri });
  const result = await submitLogin(browser, authorization, username, password);
  if (!('code' in result))
    throw new Error(`signing in as ${username} failed with ${result.page.status}`);
  return exchangeCode(discovery, authorization, { clientId, code: result.code, origin: webOrigin });
}
