import {
  formatPasswordHash,
  hashPassword,
  InvalidPasswordHashError,
  parsePasswordHash,
  verifyPassword,
} from './password-hash';

// A cheap cost keeps the suite fast; the format and the comparison do not depend on it.
const FAST = { cost: 1024, blockSize: 8, parallelization: 1 };

describe('scrypt password hashes', () => {
  it('verifies the password it hashed and refuses any other', async () => {
    const stored = parsePasswordHash(await hashPassword('correct horse', FAST));
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash, so one password never hashes twice to the same value', async () => {
    const first = await hashPassword('same', FAST);
    const second = await hashPassword('same', FAST);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
  });

  it('reads back exactly the fields it writes', async () => {
    const encoded = await hashPassword('round trip', FAST);
    expect(formatPasswordHash(parsePasswordHash(encoded))).toBe(encoded);
  });

  it('uses a cost that a default Node scrypt call would refuse', async () => {
    const stored = parsePasswordHash(await hashPassword('strong'));
    expect(stored.cost).toBe(2 ** 15);
    await expect(verifyPassword('strong', stored)).resolves.toBe(true);
  });

  it.each([
    ['bcrypt$10$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==', /starting with scrypt/],
    ['scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$' + 'A'.repeat(44), /N is not a power of two/],
    ['scrypt$1024$8$1$c2FsdA==$' + 'A'.repeat(44), /salt is shorter than 16 bytes/],
    ['scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==$not*base64', /hash is not base64/],
    ['scrypt$1024$x$1$c2FsdHNhbHRzYWx0c2FsdA==$' + 'A'.repeat(44), /r is not a number/],
    ['scrypt$2097152$8$1$c2FsdHNhbHRzYWx0c2FsdA==$' + 'A'.repeat(44), /N is above/],
  ])('rejects the malformed hash %s', (encoded, reason) => {
    expect(() => parsePasswordHash(encoded)).toThrow(InvalidPasswordHashError);
    expect(() => parsePasswordHash(encoded)).toThrow(reason);
  });
});
