import { testStack, type TestStack } from '@starchart/testing';
import type { ApiHarness } from './api-harness';
import type { WorkerProcess } from './worker-process';

// Pebble's management API is shared with the browser test.
export { pebbleCertStatus, pebbleIssuers } from '@starchart/testing';

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
