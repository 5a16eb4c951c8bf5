import { randomBytes } from 'node:crypto';
import { SecretDecryptionError } from './errors';
import { KeyCipher } from './key-cipher';

const newKey = (): string => randomBytes(32).toString('base64');

describe('KeyCipher', () => {
  it('opens with a retired key what that key sealed, and seals new values with the current key', () => {
    const oldKey = newKey();
    const sealedBefore = new KeyCipher(oldKey).encrypt('old secret');

    const rotated = new KeyCipher(newKey(), [oldKey]);
    expect(rotated.decrypt(sealedBefore)).toBe('old secret');
    const sealedAfter = rotated.encrypt('new secret');
    // The key id is the second field: a different key sealed it.
    expect(sealedAfter.split('.')[1]).not.toBe(sealedBefore.split('.')[1]);
    expect(rotated.decrypt(sealedAfter)).toBe('new secret');
    // Only the current key seals: the retired key alone cannot open the new value.
    expect(() => new KeyCipher(oldKey).decrypt(sealedAfter)).toThrow(SecretDecryptionError);
  });

  it('refuses a value sealed by a key it was not given, naming no secret', () => {
    const sealed = new KeyCipher(newKey()).encrypt('secret');
    expect(() => new KeyCipher(newKey()).decrypt(sealed)).toThrow(
      /sealed with key [0-9a-f]{12}, which is not configured/,
    );
  });

  it('refuses a value whose ciphertext was altered', () => {
    const key = newKey();
    const [format, id, iv, tag, ciphertext = ''] = new KeyCipher(key).encrypt('secret').split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const altered = [format, id, iv, tag, flipped.toString('base64url')].join('.');
    expect(() => new KeyCipher(key).decrypt(altered)).toThrow('failed its integrity check');
  });

  it('seals the same value differently each time', () => {
    const cipher = new KeyCipher(newKey());
    expect(cipher.encrypt('secret')).not.toBe(cipher.encrypt('secret'));
  });
});
