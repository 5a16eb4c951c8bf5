import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** One request the proxy saw, answered by the CA behind it or by the proxy itself. */
export interface CaRequest {
  at: number;
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  /** The directory's name for the path (`newOrder`, `newNonce`...), when it is one of them. */
  resource: string | undefined;
  /** The decoded JWS payload: an object, '' for a POST-as-GET, undefined when the body is no JWS. */
  payload: unknown;
  /** The JWS protected header's `url`, when the body is a JWS. */
  url: string | undefined;
  status: number;
  /** The problem type of an error answer (`urn:ietf:params:acme:error:badNonce`...). */
  problem: string | undefined;
  answeredBy: 'ca' | 'proxy';
}

/** An answer the proxy gives itself. An object body is sent as JSON. */
export interface CaAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a matcher or an answer may look at. */
export type CaRequestInfo = Pick<CaRequest, 'method' | 'path' | 'resource' | 'payload' | 'url'>;

/** A directory resource name (`newOrder`) or a predicate on the request. */
export type CaRequestMatch = string | ((request: CaRequestInfo) => boolean);

export interface CaInterception {
  /** How many requests this interception answered. */
  hits(): number;
  /** From now on, matching requests go to the CA again. */
  off(): void;
}

export interface CaProxy {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The directory URL a client uses instead of the CA's. */
  directoryUrl: string;
  /** The CA file a client trusts the proxy with: the same one as the CA's listener. */
  caCertPath: string;
  /** Every request seen so far, optionally only those `match` selects. */
  requests(match?: CaRequestMatch): CaRequest[];
  /** Forgets the requests seen so far. */
  clearRequests(): void;
  /** Edits the directory JSON before clients see it (after URLs point at the proxy). */
  rewriteDirectory(edit: (directory: Record<string, unknown>) => Record<string, unknown>): void;
  /**
   * Answers matching requests itself, `times` times (default: until `off()`); the CA never sees
   * them. A POST answered so carries a fresh Replay-Nonce from the CA, as every ACME answer must.
   */
  answer(
    match: CaRequestMatch,
    answer: CaAnswer | ((request: CaRequestInfo) => CaAnswer),
    options?: { times?: number },
  ): CaInterception;
  /** Serves requests under `pathPrefix` itself (an endpoint the CA lacks, e.g. renewalInfo). */
  serve(
    pathPrefix: string,
    handler: (request: CaRequestInfo & { body: Buffer }) => CaAnswer | Promise<CaAnswer>,
  ): void;
  close(): Promise<void>;
}

/** RFC 8555 §6.7 rateLimited, as a CA answers it: 429, problem+json, Retry-After when given. */
export function rateLimitedAnswer(
  options: { retryAfterS?: number; detail?: string } = {},
): CaAnswer {
  return {
    status: 429,
    headers: {
      'content-type': 'application/problem+json',
      ...(options.retryAfterS !== undefined && { 'retry-after': String(options.retryAfterS) }),
    },
    body: {
      type: 'urn:ietf:params:acme:error:rateLimited',
      detail: options.detail ?? 'too many new orders recently (answered by the test CA proxy)',
      status: 429,
    },
  };
}

interface Interception {
  match: CaRequestMatch;
  answer: CaAnswer | ((request: CaRequestInfo) => CaAnswer);
  remaining: number;
  hits: number;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own on each side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

/**
 * A thin HTTPS proxy in front of an ACME CA (Pebble in the tests) on a free loopback port, for
 * behaviour Pebble lacks: rate limit answers, extra directory entries, an endpoint of our own.
 *
 * It forwards with the client's Host, so Pebble builds every URL (directory, Location, Link,
 * the JWS `url` it checks) on the proxy's origin; any absolute URL of the CA left in a body or
 * header is rewritten to the proxy too, so a client never leaves it. It serves with the CA
 * listener's own certificate (tools/stack writes it beside the CA file), so clients trust it
 * with the same ACME_CA_CERT_PATH.
 */
export async function startCaProxy(options: {
  directoryUrl: string;
  caCertPath: string;
}): Promise<CaProxy> {
  const upstream = new URL(options.directoryUrl);
  const ca = readFileSync(options.caCertPath);
  const listenerDir = dirname(options.caCertPath);
  const agent = new Agent({ ca, keepAlive: true });
  const interceptions: Interception[] = [];
  const served: { prefix: string; handler: Parameters<CaProxy['serve']>[1] }[] = [];
  const directoryEdits: ((directory: Record<string, unknown>) => Record<string, unknown>)[] = [];
  let seen: CaRequest[] = [];
  // Path → resource name, from the CA's own directory (the paths do not depend on the Host).
  let resources = new Map<string, string>();

  const server: Server = createServer({
    cert: readFileSync(join(listenerDir, 'cert.pem')),
    key: readFileSync(join(listenerDir, 'key.pem')),
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const host = new URL(origin).host;

  const forward = async (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const outgoing = httpsRequest(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method,
          path,
          agent,
          headers: { ...withoutHopByHop(headers), host },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const freshNonce = async (): Promise<string | undefined> => {
    const path = [...resources].find(([, name]) => name === 'newNonce')?.[0];
    if (path === undefined) return undefined;
    const answer = await forward('HEAD', path, {}, Buffer.alloc(0));
    const nonce = answer.headers['replay-nonce'];
    return typeof nonce === 'string' ? nonce : undefined;
  };

  const upstreamOrigin = upstream.origin;
  const rewrite = (text: string): string => text.split(upstreamOrigin).join(origin);

  const respond = async (
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    body: Buffer,
  ): Promise<void> => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const pathname = path.split('?')[0] ?? path;
    const jws = decodeJws(body);
    const info: CaRequestInfo = {
      method,
      path,
      resource: resources.get(pathname),
      payload: jws?.payload,
      url: jws?.url,
    };
    const record = (status: number, body: Buffer, answeredBy: CaRequest['answeredBy']): void => {
      seen.push({ at: Date.now(), ...info, status, problem: problemType(body), answeredBy });
    };

    const own = served.find((entry) => pathname.startsWith(entry.prefix));
    const interception = own ? undefined : interceptions.find((entry) => matches(entry, info));
    if (own || interception) {
      let answer: CaAnswer;
      if (own) answer = await own.handler({ ...info, body });
      else if (interception) {
        interception.hits += 1;
        interception.remaining -= 1;
        answer =
          typeof interception.answer === 'function'
            ? interception.answer(info)
            : interception.answer;
      } else return;
      const nonce = method === 'POST' ? await freshNonce() : undefined;
      const payload = toBody(answer.body);
      outgoing.writeHead(answer.status, {
        'content-type': 'application/json',
        ...(nonce !== undefined && { 'replay-nonce': nonce }),
        ...answer.headers,
        'content-length': String(payload.length),
      });
      outgoing.end(method === 'HEAD' ? undefined : payload);
      record(answer.status, payload, 'proxy');
      return;
    }

    const answer = await forward(method, path, incoming.headers, body);
    let payload = answer.body;
    if (isText(answer.headers['content-type'])) {
      let text = rewrite(payload.toString('utf8'));
      if (info.resource === 'directory' && method === 'GET' && answer.status === 200)
        text = JSON.stringify(
          directoryEdits.reduce(
            (directory, edit) => edit(directory),
            JSON.parse(text) as Record<string, unknown>,
          ),
        );
      payload = Buffer.from(text, 'utf8');
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(withoutHopByHop(answer.headers))) {
      if (value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.map(rewrite) : rewrite(String(value));
    }
    headers['content-length'] = String(payload.length);
    outgoing.writeHead(answer.status, headers);
    outgoing.end(method === 'HEAD' ? undefined : payload);
    record(answer.status, payload, 'ca');
  };

  const matches = (entry: Interception, info: CaRequestInfo): boolean =>
    entry.remaining > 0 &&
    (typeof entry.match === 'string' ? info.resource === entry.match : entry.match(info));

  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      respond(incoming, outgoing, Buffer.concat(chunks)).catch((error: unknown) => {
        if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`the CA proxy failed: ${String(error)}`);
      });
    });
  });

  // The CA's paths, read once: the proxy names requests by them.
  const directory = await forward('GET', upstream.pathname, {}, Buffer.alloc(0));
  if (directory.status !== 200) {
    await new Promise((closed) => server.close(closed));
    throw new Error(`the CA behind the proxy answered its directory with ${directory.status}`);
  }
  resources = new Map([[upstream.pathname, 'directory']]);
  for (const [name, value] of Object.entries(
    JSON.parse(directory.body.toString('utf8')) as Record<string, unknown>,
  )) {
    if (typeof value === 'string' && value.startsWith('https://'))
      resources.set(new URL(value).pathname, name);
  }

  const select = (match: CaRequestMatch | undefined) => (request: CaRequest) =>
    match === undefined ||
    (typeof match === 'string' ? request.resource === match : match(request));

  return {
    origin,
    directoryUrl: `${origin}${upstream.pathname}`,
    caCertPath: options.caCertPath,
    requests: (match) => seen.filter(select(match)),
    clearRequests: () => {
      seen = [];
    },
    rewriteDirectory: (edit) => {
      directoryEdits.push(edit);
    },
    answer(match, answer, { times = Number.POSITIVE_INFINITY } = {}) {
      const entry: Interception = { match, answer, remaining: times, hits: 0 };
      interceptions.push(entry);
      return {
        hits: () => entry.hits,
        off: () => {
          entry.remaining = 0;
        },
      };
    },
    serve(pathPrefix, handler) {
      served.push({ prefix: pathPrefix, handler });
    },
    async close() {
      await new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
}

function isText(contentType: string | undefined): boolean {
  return contentType !== undefined && /json|text/.test(contentType);
}

function problemType(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' &&
      parsed !== null &&
      'type' in parsed &&
      typeof parsed.type === 'string'
      ? parsed.type
      : undefined;
  } catch {
    return undefined;
  }
}

function toBody(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/** The flattened JWS of an ACME POST (RFC 8555 §6.2): its protected `url` and its payload. */
function decodeJws(body: Buffer): { url: string | undefined; payload: unknown } | undefined {
  if (body.length === 0) return undefined;
  try {
    const jws = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof jws['protected'] !== 'string' || typeof jws['payload'] !== 'string')
      return undefined;
    const header = JSON.parse(fromBase64Url(jws['protected'])) as Record<string, unknown>;
    const text = fromBase64Url(jws['payload']);
    return {
      url: typeof header['url'] === 'string' ? header['url'] : undefined,
      payload: text === '' ? '' : (JSON.parse(text) as unknown),
    };
  } catch {
    return undefined;
  }
}

function fromBase64Url(text: string): string {
  return Buffer.from(text, 'base64url').toString('utf8');
}
