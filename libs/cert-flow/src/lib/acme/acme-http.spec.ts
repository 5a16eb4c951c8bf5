import * as acme from 'acme-client';
import { UnrecoverableError } from 'bullmq';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toJobFailure } from '@starchart/flow-runtime';
import {
  AcmeAccountRefusedError,
  AcmeRateLimitedError,
  AcmeRefusedError,
  AcmeUnavailableError,
} from '../errors';
import { configureAcmeHttp, retryAfterMs } from './acme-http';

interface Answer {
  status: number;
  type: string;
  headers?: Record<string, string>;
}

/** An ACME "server" on loopback that answers every request with one status and problem type. */
async function acmeServer(
  answer: Answer,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_request, response) => {
    hits += 1;
    response.writeHead(answer.status, {
      'Content-Type': 'application/problem+json',
      ...answer.headers,
    });
    response.end(JSON.stringify({ type: answer.type, detail: `answered ${answer.status}` }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dir`,
    hits: () => hits,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** A port nothing listens on: bound once, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return `http://127.0.0.1:${port}/dir`;
}

/** What a step's first ACME call meets: acme-client reading the directory through its axios. */
async function readDirectory(directoryUrl: string): Promise<unknown> {
  const accountKey = await acme.crypto.createPrivateEcdsaKey('P-256');
  return new acme.Client({ directoryUrl, accountKey }).createAccount({
    termsOfServiceAgreed: true,
  });
}

describe('ACME errors through acme-client', () => {
  beforeAll(() => configureAcmeHttp(undefined));

  it.each([{ status: 503, type: 'urn:ietf:params:acme:error:serverInternal' }])(
    'reports a $status as unavailable, after acme-client’s own two quick retries, for the job’s backoff to retry',
    async (answer) => {
      const server = await acmeServer(answer);
      try {
        const failure = await readDirectory(server.url).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(AcmeUnavailableError);
        expect(failure).toMatchObject({ retryable: true });
        expect(String(failure)).toContain(`answered ${answer.status} ${answer.type}`);
        expect(server.hits()).toBe(3);
        expect(toJobFailure(failure)).not.toBeInstanceOf(UnrecoverableError);
      } finally {
        await server.close();
      }
    },
  );

  it.each<{ headers: Record<string, string>; retryAfterMs: number | undefined }>([
    { headers: { 'Retry-After': '120' }, retryAfterMs: 120_000 },
    { headers: {}, retryAfterMs: undefined },
  ])(
    'reports rateLimited at once with its Retry-After ($retryAfterMs ms), without acme-client sleeping it out and asking again',
    async ({ headers, retryAfterMs }) => {
      const server = await acmeServer({
        status: 429,
        type: 'urn:ietf:params:acme:error:rateLimited',
        headers,
      });
      try {
        const started = Date.now();
        const failure = await readDirectory(server.url).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(AcmeRateLimitedError);
        expect(failure).toMatchObject({ retryable: true, retryAfterMs });
        expect(String(failure)).toContain('answered 429 urn:ietf:params:acme:error:rateLimited');
        expect(server.hits()).toBe(1);
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(toJobFailure(failure)).not.toBeInstanceOf(UnrecoverableError);
      } finally {
        await server.close();
      }
    },
  );

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 12:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('reports a refused connection as unavailable, for the job’s backoff to retry', async () => {
    const failure = await readDirectory(await closedPortUrl()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AcmeUnavailableError);
    expect(String(failure)).toContain('cannot be reached: ECONNREFUSED');
    expect(toJobFailure(failure)).not.toBeInstanceOf(UnrecoverableError);
  });

  it('reports a 4xx refusal as permanent at once, so the job fails without retrying', async () => {
    const server = await acmeServer({
      status: 400,
      type: 'urn:ietf:params:acme:error:rejectedIdentifier',
    });
    try {
      const failure = await readDirectory(server.url).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AcmeRefusedError);
      expect(failure).toMatchObject({ retryable: false });
      expect(server.hits()).toBe(1);
      expect(toJobFailure(failure)).toBeInstanceOf(UnrecoverableError);
    } finally {
      await server.close();
    }
  });

  it.each([
    { status: 400, type: 'urn:ietf:params:acme:error:accountDoesNotExist' },
    { status: 403, type: 'urn:ietf:params:acme:error:unauthorized' },
  ])(
    'reports a $type refusal as an account problem, which registering again can solve',
    async (answer) => {
      const server = await acmeServer(answer);
      try {
        const failure = await readDirectory(server.url).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(AcmeAccountRefusedError);
        expect(failure).toMatchObject({ retryable: true });
        expect(String(failure)).toContain(answer.type);
        expect(server.hits()).toBe(1);
      } finally {
        await server.close();
      }
    },
  );

  it('lets a badNonce answer through, for acme-client to retry with a fresh nonce', async () => {
    const server = await acmeServer({ status: 400, type: 'urn:ietf:params:acme:error:badNonce' });
    try {
      const response = await acme.axios.request({
        url: server.url,
        method: 'post',
        validateStatus: null,
      });
      expect(response.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
