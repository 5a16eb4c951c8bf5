import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SecretDecryptionError } from './errors';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

/** A 32-byte key, base64: what CERT_ENCRYPTION_KEY (and each of its retired keys) holds. */
export const encryptionKeySchema = z
  .string()
  .trim()
  .refine((value) => Buffer.from(value, 'base64').length === KEY_BYTES, {
    error: 'must be 32 random bytes, base64 (openssl rand -base64 32)',
  });

/**
 * Encrypts private keys at rest with AES-256-GCM. A value reads
 * `v1.<key id>.<iv>.<auth tag>.<ciphertext>` (base64url); the key id is a fingerprint of the key
 * that sealed it, so a rotated key keeps opening the values it sealed until they are re-sealed.
 */
export class KeyCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly keys: ReadonlyMap<string, Buffer>;

  /** `currentKey` seals new values; `retiredKeys` only open old ones. */
  constructor(currentKey: string, retiredKeys: readonly string[] = []) {
    const entries = [currentKey, ...retiredKeys].map((text) => {
      const key = Buffer.from(text, 'base64');
      if (key.length !== KEY_BYTES) throw new Error('an encryption key must be 32 bytes');
      return [keyId(key), key] as const;
    });
    const [first] = entries;
    if (!first) throw new Error('no encryption key');
    this.current = { id: first[0], key: first[1] };
    this.keys = new Map(entries);
  }

  encrypt(plaintext: string): string {
    // A fresh random IV per value: GCM must never see one IV twice under one key.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT, this.current.id, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [format, id, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || !id || !iv || !tag || ciphertext === undefined)
      throw new SecretDecryptionError('the stored secret is not in a format this code knows');
    const key = this.keys.get(id);
    if (!key)
      throw new SecretDecryptionError(
        `the stored secret was sealed with key ${id}, which is not configured`,
      );
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new SecretDecryptionError('the stored secret failed its integrity check', {
        cause: error,
      });
    }
  }
}

/** Names a key without revealing it. */
function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
