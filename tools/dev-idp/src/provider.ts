import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { randomBytes } from 'node:crypto';
import { type PrivateJwk, SIGNING_ALG } from './keys';
import { errorPage, logoutPage, signedOutPage } from './pages';
import { findUser } from './users';

/** The one client: the web app, public (no secret), authorization code with PKCE. */
export const CLIENT_ID = 'starchart-web';
/** The audience of access tokens, as the api's JWT_AUDIENCE expects it. */
export const API_AUDIENCE = 'starchart-api';
/**
 * The resource indicator (RFC 8707) the access tokens are for. Clients need not send it: it is
 * the default, and a token for it carries `aud: starchart-api`.
 */
export const API_RESOURCE = 'urn:starchart:api';

export const SCOPES = ['openid', 'profile', 'email', 'offline_access'];

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface ProviderSettings {
  issuer: string;
  webOrigins: readonly string[];
  signingKey: PrivateJwk;
}

export function redirectUri(origin: string): string {
  return `${origin}/auth/callback`;
}

export function postLogoutRedirectUri(origin: string): string {
  return `${origin}/`;
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}

export function createProvider({ issuer, webOrigins, signingKey }: ProviderSettings): Provider {
  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: 'Starchart',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: webOrigins.map(redirectUri),
        post_logout_redirect_uris: webOrigins.map(postLogoutRedirectUri),
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'roles'],
    },
    // ID tokens carry the scopes' claims: the access token is for the api, not for userinfo.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const user = findUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.username,
        claims: () => ({
          sub: user.username,
          email: user.email,
          email_verified: true,
          name: user.name,
          preferred_username: user.username,
          roles: [...user.roles],
        }),
      };
    },
    // PKCE with S256 for every client (the default for public ones), never "plain".
    pkce: { required: () => true },
    // The web app renews its tokens with a refresh token; offline_access would otherwise need
    // prompt=consent. Refresh tokens still end with the session, so sign-out ends them.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The browser calls the token and revocation endpoints: only the web origins may.
    clientBasedCORS: (_ctx, origin) => webOrigins.includes(origin),
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const user = findUser(token.accountId);
      return user ? { email: user.email, name: user.name, roles: [...user.roles] } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => html(ctx, logoutPage(form)),
        postLogoutSuccessSource: (ctx) => html(ctx, signedOutPage()),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        // Codes and refresh tokens redeemed without a resource parameter get the api's token.
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: SCOPES.join(' '),
          audience: API_AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 10 * MINUTE,
          jwt: { sign: { alg: SIGNING_ALG } },
        }),
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 10 * MINUTE,
      AuthorizationCode: MINUTE,
      IdToken: HOUR,
      Interaction: HOUR,
      Grant: DAY,
      Session: DAY,
      RefreshToken: DAY,
    },
    renderError: (ctx, out) =>
      html(ctx, errorPage('Sign-in error', `${out['error']}: ${out['error_description'] ?? ''}`)),
  };
  const provider = new Provider(issuer, configuration);
  // Behind no proxy: the issuer's scheme is the listener's.
  provider.proxy = false;
  return provider;
}
