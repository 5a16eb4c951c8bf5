import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { testStack, type TestStack } from './stack';

/** GET on Pebble's management API (https, its own CA). */
export async function pebbleManagement(
  path: string,
  stack: TestStack = testStack(),
): Promise<string> {
  const { pebble } = stack;
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
export async function pebbleIssuers(stack: TestStack = testStack()): Promise<{
  root: X509Certificate;
  intermediate: X509Certificate;
}> {
  return {
    root: new X509Certificate(await pebbleManagement('/roots/0', stack)),
    intermediate: new X509Certificate(await pebbleManagement('/intermediates/0', stack)),
  };
}

/** What Pebble 2.4 knows of the certificate with this serial (hex): `Status` Valid or Revoked, `Reason`. */
export async function pebbleCertStatus(
  serialHex: string,
  stack: TestStack = testStack(),
): Promise<unknown> {
  return JSON.parse(
    await pebbleManagement(`/cert-status-by-serial/${serialHex}`, stack),
  ) as unknown;
}
