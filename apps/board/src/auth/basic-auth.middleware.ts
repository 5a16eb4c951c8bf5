import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { verifyPassword, type PasswordHash } from './password-hash';

export interface BoardCredentials {
  username: string;
  passwordHash: PasswordHash;
}

const BOARD_REALM = 'Starchart board';

interface BasicCredentials {
  username: string;
  password: string;
}

const BASIC_SCHEME = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

function parseBasicAuthorization(header: string): BasicCredentials | undefined {
  const match = BASIC_SCHEME.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * HTTP Basic authentication against one username and a stored scrypt hash. The password is
 * hashed whether or not the username matches, and both comparisons are constant-time, so the
 * response time says nothing about which of the two was wrong.
 */
export function basicAuth(credentials: BoardCredentials): RequestHandler {
  const expectedUsername = sha256(credentials.username);
  // The UI polls several API routes every few seconds; remembering the last accepted header
  // spares a ~100 ms scrypt per poll. Only a correct header can ever hit this.
  let acceptedHeader: Buffer | undefined;

  return async (request, response, next) => {
    const header = request.headers.authorization ?? '';
    if (acceptedHeader && timingSafeEqual(sha256(header), acceptedHeader)) {
      next();
      return;
    }
    const given = parseBasicAuthorization(header);
    if (given) {
      const usernameMatches = timingSafeEqual(sha256(given.username), expectedUsername);
      const passwordMatches = await verifyPassword(given.password, credentials.passwordHash);
      if (usernameMatches && passwordMatches) {
        acceptedHeader = sha256(header);
        next();
        return;
      }
    }
    response
      .status(401)
      .set('WWW-Authenticate', `Basic realm="${BOARD_REALM}"`)
      .json({ message: 'Authentication required' });
  };
}
