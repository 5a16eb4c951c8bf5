import { testStack, type TestStack } from '@starchart/testing';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { ApiHarness } from './api-harness';
import type { WorkerProcess } from './worker-process';

/** A fixed test key: tests decrypt what the worker sealed. */
export const TEST_CERT_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** The certificate settings of an api and worker on a stack: Pebble, checked at the emulator's DNS. */
export function certEnv(stack: TestStack = testStack()): Record<string, string> {
  const { pebble, emulator } = stack;
  return {
    ACME_DIRECTORY_URL: pebble.directoryUrl,
    ACME_CA_CERT_PATH: pebble.caCertPath,
    CERT_ENCRYPTION_KEY: TEST_CERT_ENCRYPTION_KEY,
    ACME_DNS_CHECK_SERVER: `127.0.0.1:${emulator.dnsPort}`,
  };
}

/** GET on Pebble's management API (https, its own CA). */
async function pebbleManagement(path: string): Promise<string> {
  const { pebble } = testStack();
  const agent = new Agent({ ca: readFileSync(pebble.caCertPath) });
  try {
    return await new Promise((resolve, reject) => {
      request(`${pebble.managementUrl}${path}`, { agent }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
  } finally {
    agent.destroy();
  }
}

/** Pebble's issuing root and intermediate, from its management API (they change on each Pebble start). */
export async function pebbleIssuers(): Promise<{
  root: X509Certificate;
  intermediate: X509Certificate;
}> {
  return {
    root: new X509Certificate(await pebbleManagement('/roots/0')),
    intermediate: new X509Certificate(await pebbleManagement('/intermediates/0')),
  };
}

/** What Pebble 2.4 knows of the certificate with this serial (hex): `Status` Valid or Revoked, `Reason`. */
export async function pebbleCertStatus(serialHex: string): Promise<unknown> {
  return JSON.parse(await pebbleManagement(`/cert-status-by-serial/${serialHex}`)) as unknown;
}

/** A certificate as the api answers it. */
export interface CertificateBody {
  id: string;
  domains: string[];
  status: string;
  statusReason: string | null;
  validTo: string | null;
  steps?: { step: string; state: string; attempts: number }[];
}

const SETTLED: readonly string[] = ['issued', 'failed'];

/** Polls the certificate until it is `wanted`; fails at once when it settles otherwise. */
export async function waitForCertificate(
  api: ApiHarness,
  token: string,
  id: string,
  wanted: string,
  worker: WorkerProcess,
  timeoutMs = 90_000,
): Promise<CertificateBody> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const answer = await api.request('GET', `/api/v1/certificates/${id}`, { token });
    last = answer.json;
    const { status } = answer.json as CertificateBody;
    if (status === wanted) return answer.json as CertificateBody;
    // Another final status will not change by itself: report it now rather than at the deadline.
    if (SETTLED.includes(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `certificate ${id} did not reach ${wanted}; last seen ${JSON.stringify(last)}\nworker:\n${worker.output()}`,
  );
}
