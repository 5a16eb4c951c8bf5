import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** A stored scrypt hash, parsed from `scrypt$N$r$p$saltB64$hashB64`. */
export interface PasswordHash {
  cost: number;
  blockSize: number;
  parallelization: number;
  salt: Buffer;
  hash: Buffer;
}

export interface ScryptParameters {
  cost: number;
  blockSize: number;
  parallelization: number;
}

/** About 100 ms on a current server core: slow for a guesser, fast enough for a login. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = {
  cost: 2 ** 15,
  blockSize: 8,
  parallelization: 1,
};

// Upper bounds keep a mistyped stored hash from making every request allocate gigabytes.
const MAX_COST = 2 ** 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELIZATION = 16;
const MIN_SALT_BYTES = 16;
const MIN_HASH_BYTES = 32;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

export class InvalidPasswordHashError extends Error {
  readonly retryable = false;

  constructor(reason: string) {
    super(`not a scrypt$N$r$p$salt$hash password hash: ${reason}`);
    this.name = 'InvalidPasswordHashError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseBase64(value: string, field: string, minBytes: number): Buffer {
  if (!BASE64.test(value)) throw new InvalidPasswordHashError(`${field} is not base64`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < minBytes) {
    throw new InvalidPasswordHashError(`${field} is shorter than ${minBytes} bytes`);
  }
  return bytes;
}

function parseInteger(value: string, field: string, max: number): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidPasswordHashError(`${field} is not a number`);
  const parsed = Number(value);
  if (parsed > max) throw new InvalidPasswordHashError(`${field} is above ${max}`);
  return parsed;
}

export function parsePasswordHash(encoded: string): PasswordHash {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new InvalidPasswordHashError('expected 6 fields separated by $, starting with scrypt');
  }
  const [, cost = '', blockSize = '', parallelization = '', salt = '', hash = ''] = parts;
  const parsedCost = parseInteger(cost, 'N', MAX_COST);
  if (parsedCost < 2 || (parsedCost & (parsedCost - 1)) !== 0) {
    throw new InvalidPasswordHashError('N is not a power of two');
  }
  return {
    cost: parsedCost,
    blockSize: parseInteger(blockSize, 'r', MAX_BLOCK_SIZE),
    parallelization: parseInteger(parallelization, 'p', MAX_PARALLELIZATION),
    salt: parseBase64(salt, 'salt', MIN_SALT_BYTES),
    hash: parseBase64(hash, 'hash', MIN_HASH_BYTES),
  };
}

export function formatPasswordHash(hash: PasswordHash): string {
  return [
    'scrypt',
    hash.cost,
    hash.blockSize,
    hash.parallelization,
    hash.salt.toString('base64'),
    hash.hash.toString('base64'),
  ].join('$');
}

function deriveKey(
  password: string,
  salt: Buffer,
  keyLength: number,
  parameters: ScryptParameters,
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: parameters.cost,
    r: parameters.blockSize,
    p: parameters.parallelization,
    // OpenSSL needs about 128·N·r bytes; Node's 32 MiB default already refuses N=2^15, r=8.
    maxmem: 256 * parameters.cost * parameters.blockSize,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(password, salt, HASH_BYTES, parameters);
  return formatPasswordHash({ ...parameters, salt, hash });
}

/** Always derives the full key, so a wrong password costs exactly as long as a right one. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await deriveKey(password, stored.salt, stored.hash.length, stored);
  return timingSafeEqual(candidate, stored.hash);
}
