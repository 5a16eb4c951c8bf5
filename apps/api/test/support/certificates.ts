import { testStack } from '@starchart/testing';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

/** A fixed test key: tests decrypt what the worker sealed. */
export const TEST_CERT_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** The certificate settings of an api and worker on the test stack: Pebble, checked at the emulator's DNS. */
export function certEnv(): Record<string, string> {
  const { pebble, emulator } = testStack();
  return {
    ACME_DIRECTORY_URL: pebble.directoryUrl,
    ACME_CA_CERT_PATH: pebble.caCertPath,
    CERT_ENCRYPTION_KEY: TEST_CERT_ENCRYPTION_KEY,
    ACME_DNS_CHECK_SERVER: `127.0.0.1:${emulator.dnsPort}`,
  };
}

/** Pebble's issuing root and intermediate, from its management API (they change on each Pebble start). */
export async function pebbleIssuers(): Promise<{
  root: X509Certificate;
  intermediate: X509Certificate;
}> {
  const { pebble } = testStack();
  const agent = new Agent({ ca: readFileSync(pebble.caCertPath) });
  const get = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      request(`${pebble.managementUrl}${path}`, { agent }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
  try {
    return {
      root: new X509Certificate(await get('/roots/0')),
      intermediate: new X509Certificate(await get('/intermediates/0')),
    };
  } finally {
    agent.destroy();
  }
}
