import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { isIPv6 } from 'node:net';
import { Route53Api } from './api';
import { splitZoneSpec } from './cli';
import { ControlApi } from './control';
import { startDnsServer } from './dns-server';
import { BodyTooLargeError, Logger, readBody, send, sendJson } from './http';
import { parseDomainName } from './names';
import { EmulatorConfig, EmulatorState } from './state';

export type { EmulatorConfig, Counters } from './state';
export { EmulatorState } from './state';
export type { FaultKind, FaultSpec, Route53Operation } from './faults';

export interface EmulatorOptions {
  /** Address both servers bind to; 127.0.0.1 unless given. */
  readonly host?: string;
  /** HTTP port of the Route 53 and control APIs; 0 (the default here) picks a free one. */
  readonly port?: number;
  /** UDP and TCP port of the DNS server; 0 (the default here) picks a free one. */
  readonly dnsPort?: number;
  readonly insyncDelayMs?: number;
  readonly rps?: number;
  readonly burst?: number;
  /** MAX_RRSETS_BY_ZONE of every zone without a limit of its own; 10,000 as in Route 53. */
  readonly maxRecordSetsPerZone?: number;
  /**
   * Hosted zones to create at once, INSYNC, and to recreate with the same ids on reset:
   * `name`, or `name=ZONEID` for a fixed id.
   */
  readonly zones?: readonly string[];
  readonly log?: Logger;
}

export interface RunningEmulator {
  readonly apiUrl: string;
  readonly dnsPort: number;
  readonly host: string;
  /** The zones made from `options.zones`, ids with their `/hostedzone/` prefix. */
  readonly zones: readonly { readonly name: string; readonly id: string }[];
  readonly state: EmulatorState;
  close(): Promise<void>;
}

const DEFAULT_CONFIG: EmulatorConfig = {
  insyncDelayMs: 2000,
  rps: 5,
  burst: 5,
  maxRecordSetsPerZone: 10_000,
};
/** Large enough for a full batch (1,000 records, 32,000 characters) with XML overhead to spare. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const state = new EmulatorState({
    insyncDelayMs: options.insyncDelayMs ?? DEFAULT_CONFIG.insyncDelayMs,
    rps: options.rps ?? DEFAULT_CONFIG.rps,
    burst: options.burst ?? DEFAULT_CONFIG.burst,
    maxRecordSetsPerZone: options.maxRecordSetsPerZone ?? DEFAULT_CONFIG.maxRecordSetsPerZone,
  });
  const zones = (options.zones ?? []).map((spec) => {
    const { name, id } = splitZoneSpec(spec);
    const zone = state.seedZone(parseDomainName(name), id);
    return { name: zone.name.canonical, id: `/hostedzone/${zone.id}` };
  });

  const api = new Route53Api(state, log);
  const control = new ControlApi(state, log);
  const server = createServer((req, res) => {
    handleHttp(req, res, api, control).catch((error: unknown) => {
      log(`HTTP error: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  await listen(server, options.port ?? 0, host);
  const dns = await startDnsServer({
    host,
    port: options.dnsPort ?? 0,
    zones: () => state.store.publishedZones(),
    log,
  }).catch(async (error: unknown) => {
    await closeHttp(server);
    throw error;
  });

  const port = boundPort(server);
  return {
    apiUrl: `http://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    dnsPort: dns.port,
    host,
    zones,
    state,
    close: async () => {
      await Promise.all([closeHttp(server), dns.close()]);
    },
  };
}

/** The one line the CLI prints when it is ready; scripts parse it to find the ports and zones. */
export function readyEvent(emulator: RunningEmulator): string {
  return JSON.stringify({
    event: 'ready',
    apiUrl: emulator.apiUrl,
    dnsPort: emulator.dnsPort,
    zones: emulator.zones,
  });
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  api: Route53Api,
  control: ControlApi,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  let body: string;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      send(res, 413, 'text/plain', `${error.message}\n`, { connection: 'close' });
      return;
    }
    throw error;
  }
  if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
    control.handle(method, url.pathname, body, res);
  } else {
    await api.handle(method, url, body, req.headers.host ?? 'localhost', res);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The HTTP server is not listening on a port');
  return address.port;
}

function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections of SDK clients would otherwise hold close() open.
    server.closeAllConnections();
  });
}
