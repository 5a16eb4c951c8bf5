import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followRecord, ProgressStreamError, type RecordProgressEvent } from './progress';

type Handler = (request: IncomingMessage, response: ServerResponse, call: number) => void;

describe('following a record over Server-Sent Events read with fetch', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  const authorizations: (string | undefined)[] = [];

  beforeEach(async () => {
    authorizations.length = 0;
    server = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      handler(request, response, authorizations.length);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const stream = (response: ServerResponse, lines: string) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(lines);
  };

  it('sends the token in the Authorization header and delivers every event up to done', async () => {
    handler = (_request, response) => {
      stream(response, 'retry: 10\n\n: heartbeat\n\n');
      response.write('event: status\ndata: {"id":"r1","status":"pending"}\n\n');
      response.write(
        'event: step\ndata: {"step":"add-db-record","jobId":"j1","state":"completed"}\n\n',
      );
      response.end(
        'event: done\ndata: {"status":"active","statusReason":null,"timedOut":false}\n\n',
      );
    };
    const events: RecordProgressEvent[] = [];
    const done = await followRecord('r1', {
      baseUrl,
      accessToken: async () => 'token-1',
      onUnauthorized: vi.fn(),
      onEvent: (event) => events.push(event),
      signal: new AbortController().signal,
    });
    expect(done).toEqual({ status: 'active', statusReason: null, timedOut: false });
    expect(events.map((event) => event.event)).toEqual(['status', 'step', 'done']);
    expect(authorizations).toEqual(['Bearer token-1']);
  });

  it('opens the stream again with a fresh token when it ends before done or times out', async () => {
    handler = (_request, response, call) => {
      stream(response, 'retry: 10\n\n');
      if (call === 1) response.end();
      else if (call === 2)
        response.end(
          'event: done\ndata: {"status":"pending","statusReason":null,"timedOut":true}\n\n',
        );
      else
        response.end(
          'event: done\ndata: {"status":"error","statusReason":"refused","timedOut":false}\n\n',
        );
    };
    let issued = 0;
    const done = await followRecord('r1', {
      baseUrl,
      accessToken: async () => `token-${++issued}`,
      onUnauthorized: vi.fn(),
      onEvent: () => undefined,
      signal: new AbortController().signal,
    });
    expect(done).toEqual({ status: 'error', statusReason: 'refused', timedOut: false });
    expect(authorizations).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
  });

  it('reports a 401 as unauthorized and a 404 as a stream error', async () => {
    handler = (_request, response, call) => {
      response.writeHead(call === 1 ? 401 : 404, { 'Content-Type': 'application/problem+json' });
      response.end('{}');
    };
    const onUnauthorized = vi.fn();
    const options = {
      baseUrl,
      accessToken: async () => 'expired',
      onUnauthorized,
      onEvent: () => undefined,
      signal: new AbortController().signal,
    };
    await expect(followRecord('r1', options)).rejects.toEqual(new ProgressStreamError(401));
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(followRecord('r1', options)).rejects.toEqual(new ProgressStreamError(404));
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
