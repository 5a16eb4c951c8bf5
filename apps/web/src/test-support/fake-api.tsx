import { createStarchartClient, type DnsRecord } from '@starchart/api-client';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import type { Auth } from '../auth/auth';
import { ServicesProvider, type Services } from '../app/services';
import type { WebConfig } from '../config';

/** One request the page sent, as the fake api saw it. */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
  /** `?force=true`; absent without a query. */
  query?: string;
}

type Handler = (request: SentRequest) => { status: number; body: unknown };

/**
 * The real typed client over a fake api: `routes` answers `METHOD /path` (exact path), every
 * request is recorded. Pages under test talk to it as they talk to the api.
 */
export function fakeApi(routes: Record<string, Handler>): {
  services: Services;
  sent: SentRequest[];
} {
  const sent: SentRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const entry: SentRequest = {
      method: request.method,
      path: url.pathname,
      body: text ? JSON.parse(text) : undefined,
      ...(url.search && { query: url.search }),
    };
    sent.push(entry);
    const handler = routes[`${entry.method} ${entry.path}`];
    const { status, body } = handler
      ? handler(entry)
      : { status: 404, body: { type: 'urn:starchart:problem:route-not-found', status: 404 } };
    const problem = status >= 400;
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': problem ? 'application/problem+json' : 'application/json' },
    });
  };
  const client = createStarchartClient({
    baseUrl: 'http://api.test',
    accessToken: () => Promise.resolve('token'),
    onUnauthorized: () => undefined,
    fetch,
  });
  const never = () => new Promise<never>(() => undefined);
  const services: Services = {
    config: {} as WebConfig,
    auth: {} as Auth,
    client,
    followRecord: never,
    followCertificate: never,
  };
  return { services, sent };
}

/** Shows the current address, so a test can read what the page did to it. */
function Address() {
  const location = useLocation();
  return <p data-testid="address">{`${location.pathname}${location.search}`}</p>;
}

/** Renders `element` at `path` (a route pattern) opened at `url`, with the fake api. */
export function AtRoute({
  services,
  path,
  url,
  element,
}: {
  services: Services;
  path: string;
  url: string;
  element: ReactNode;
}) {
  return (
    <ServicesProvider services={services}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path={path} element={element} />
        </Routes>
        <Address />
      </MemoryRouter>
    </ServicesProvider>
  );
}

/** An active A record, as the api shows it. */
export function aRecord(fields: Partial<DnsRecord> = {}): DnsRecord {
  return {
    id: '5d0c3d1e-0000-4000-8000-000000000001',
    username: 'alice',
    name: 'www',
    fqdn: 'www.alice.starchart.test',
    type: 'A',
    value: '192.0.2.10',
    priority: null,
    weight: null,
    port: null,
    ttl: 300,
    status: 'active',
    statusReason: null,
    createdAt: '2026-06-01T10:00:00.000Z',
    updatedAt: '2026-06-01T10:00:00.000Z',
    expiresAt: '2026-12-20T10:00:00.000Z',
    ...fields,
  };
}

/** alice's SIP service record: priority 10, weight 5, port 5060. */
export function anSrvRecord(fields: Partial<DnsRecord> = {}): DnsRecord {
  return aRecord({
    name: '_sip._tcp',
    fqdn: '_sip._tcp.alice.starchart.test',
    type: 'SRV',
    value: 'sip.example.com',
    priority: 10,
    weight: 5,
    port: 5060,
    ...fields,
  });
}
