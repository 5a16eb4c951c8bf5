import type Provider from 'oidc-provider';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { DevIdpOptions } from './cli';
import { loadOrCreateSigningKey, signingKeyPath } from './keys';
import { errorPage, loginPage } from './pages';
import { API_AUDIENCE, CLIENT_ID, createProvider } from './provider';
import { authenticate, DEV_USERS } from './users';

const MAX_FORM_BYTES = 8 * 1024;
const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;
// The pages inline their style and load nothing else.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const consentDetails = z.object({
  missingOIDCScope: z.array(z.string()).optional(),
  missingOIDCClaims: z.array(z.string()).optional(),
  missingResourceScopes: z.record(z.string(), z.array(z.string())).optional(),
});

export interface DevIdp {
  readonly issuer: string;
  readonly clientId: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly signingKeyFile: string;
  readonly webOrigins: readonly string[];
  close(): Promise<void>;
}

/** The line printed on stdout once the provider answers; tools/stack reads it. */
export function readyEvent(idp: DevIdp): string {
  return JSON.stringify({
    event: 'ready',
    issuer: idp.issuer,
    clientId: idp.clientId,
    audience: idp.audience,
    jwksUrl: idp.jwksUrl,
    signingKeyFile: idp.signingKeyFile,
    webOrigins: idp.webOrigins,
    users: DEV_USERS.map(({ username, password, email, roles }) => ({
      username,
      password,
      email,
      roles,
    })),
  });
}

export async function startDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const signingKey = await loadOrCreateSigningKey(options.dataDir);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const issuer = options.issuer ?? `http://${host}:${port}`;
  const provider = createProvider({ issuer, webOrigins: options.webOrigins, signingKey });
  const handleOidc = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const match = INTERACTION.exec(new URL(request.url ?? '/', 'http://idp').pathname);
    if (!match) {
      handleOidc(request, response);
      return;
    }
    interaction(provider, request, response, match[2] === '/login').catch((error: unknown) => {
      const detail = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendPage(response, 400, errorPage('Sign-in error', detail));
      else response.destroy();
    });
  });
  return {
    issuer,
    clientId: CLIENT_ID,
    audience: API_AUDIENCE,
    jwksUrl: `${issuer}/jwks`,
    signingKeyFile: signingKeyPath(options.dataDir),
    webOrigins: options.webOrigins,
    close: () => closeServer(server),
  };
}

async function interaction(
  provider: Provider,
  request: IncomingMessage,
  response: ServerResponse,
  isLoginPost: boolean,
): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  const action = `/interaction/${details.uid}/login`;

  if (details.prompt.name === 'login') {
    if (!isLoginPost || request.method !== 'POST') {
      sendPage(response, 200, loginPage({ action }));
      return;
    }
    const form = new URLSearchParams(await readBody(request));
    const username = form.get('username') ?? '';
    const user = authenticate(username, form.get('password') ?? '');
    if (!user) {
      sendPage(
        response,
        401,
        loginPage({ action, username, error: 'The username or password is not correct.' }),
      );
      return;
    }
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: user.username } },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  if (details.prompt.name === 'consent') {
    // The web app is Starchart's own client: consent is given on the person's behalf.
    const accountId = details.session?.accountId;
    const clientId = details.params['client_id'];
    if (accountId === undefined || typeof clientId !== 'string')
      throw new Error('the sign-in session is gone; start again from the app');
    const missing = consentDetails.parse(details.prompt.details);
    const grant =
      (details.grantId !== undefined ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }

  throw new Error(`unexpected sign-in step "${details.prompt.name}"`);
}

function sendPage(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': PAGE_CSP,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_FORM_BYTES) throw new Error('the form is too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
