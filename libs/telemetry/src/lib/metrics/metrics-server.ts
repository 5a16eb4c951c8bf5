import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { renderMetrics } from './registry';

export interface MetricsServerOptions {
  registry: Registry;
  /** Bind to loopback or a private interface to keep the metrics off the public network. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Where the metrics are served, `/metrics` by default. */
  path: string;
  /** Answers `/health`: 200 with the report when healthy, 503 when not. */
  health: () => Promise<{ ok: boolean; report: Record<string, unknown> }>;
}

/**
 * A small HTTP listener for a process that serves nothing else (the worker): GET `path` answers
 * the metrics, GET /health the process's health, anything else 404.
 */
export class MetricsServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async listen(options: MetricsServerOptions): Promise<MetricsServer> {
    const server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const send = (status: number, contentType: string, body: string): void => {
        response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      };
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        send(405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      } else if (path === options.path) {
        renderMetrics(options.registry).then(
          ({ contentType, body }) => send(200, contentType, body),
          (error: unknown) => send(500, 'text/plain; charset=utf-8', `${String(error)}\n`),
        );
      } else if (path === '/health') {
        options.health().then(
          ({ ok, report }) =>
            send(
              ok ? 200 : 503,
              'application/json',
              JSON.stringify({ status: ok ? 'ok' : 'error', ...report }),
            ),
          (error: unknown) =>
            send(
              503,
              'application/json',
              JSON.stringify({ status: 'error', error: String(error) }),
            ),
        );
      } else {
        send(404, 'text/plain; charset=utf-8', 'Not Found\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('not listening on TCP');
    const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
    return new MetricsServer(server, `http://${host}:${bound.port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // A scraper's keep-alive connection would hold close() open until it times out.
      this.server.closeIdleConnections();
    });
  }
}
