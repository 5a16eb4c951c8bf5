import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** The algorithm of the provider's signing key: ID tokens and access tokens alike. */
export const SIGNING_ALG = 'RS256';

const SIGNING_KEY_FILE = 'signing-key.json';

const privateRsaJwk = z.object({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  alg: z.literal(SIGNING_ALG),
  use: z.literal('sig'),
  n: z.string().min(1),
  e: z.string().min(1),
  d: z.string().min(1),
  p: z.string().min(1),
  q: z.string().min(1),
  dp: z.string().min(1),
  dq: z.string().min(1),
  qi: z.string().min(1),
});

export type PrivateJwk = z.infer<typeof privateRsaJwk>;

export function signingKeyPath(dataDir: string): string {
  return path.resolve(dataDir, SIGNING_KEY_FILE);
}

/**
 * The provider's private signing key, created on the first start and kept in the data directory,
 * so that tokens issued before a restart still verify against its JWKS afterwards.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<PrivateJwk> {
  const file = signingKeyPath(dataDir);
  const existing = await readJson(file);
  if (existing !== undefined) return privateRsaJwk.parse(existing);
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const key = privateRsaJwk.parse({
    ...jwk,
    kid: await calculateJwkThumbprint(jwk),
    alg: SIGNING_ALG,
    use: 'sig',
  });
  await writePrivate(dataDir, file, key);
  return key;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function writePrivate(dataDir: string, file: string, value: unknown): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}
