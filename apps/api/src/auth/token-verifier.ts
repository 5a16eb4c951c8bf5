import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyOptions,
} from 'jose';
import { z } from 'zod';
import { MAX_EMAIL_LENGTH } from '@starchart/persistence';
import type { JwtConfig } from '../config/api-config';
import {
  AuthenticationError,
  ForbiddenError,
  ServiceUnavailableError,
} from '../problems/api-errors';
import { type Principal, usernameProblem } from './principal';

// Asymmetric algorithms an identity provider may sign with; HS256 only ever with our own secret,
// so that a public JWKS key can never be replayed as an HMAC secret.
const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

// A client sends the same token with every request; verifying its signature each time was a
// tenth of the api's CPU under load. Bounded in entries and in how long a result is trusted.
const VERIFIED_CACHE_ENTRIES = 10_000;
const VERIFIED_CACHE_MS = 60_000;

interface VerifiedToken {
  principal: Principal;
  /** Epoch ms after which the result is not reused: the token's exp or the cache's limit. */
  reuseUntil: number;
}

/** Verifies bearer tokens and turns their claims into a Principal. */
export class TokenVerifier {
  private readonly verifyJwt: (token: string) => Promise<JWTPayload>;
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(config: JwtConfig) {
    const options: JWTVerifyOptions = {
      requiredClaims: ['sub', 'exp'],
      ...(config.issuer !== undefined && { issuer: config.issuer }),
      ...(config.audience !== undefined && { audience: config.audience }),
    };
    if ('secret' in config) {
      const secret = new TextEncoder().encode(config.secret);
      this.verifyJwt = async (token) =>
        (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
    } else {
      const keySet = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 2_000 });
      this.verifyJwt = async (token) =>
        (await jwtVerify(token, keySet, { ...options, algorithms: JWKS_ALGORITHMS })).payload;
    }
  }

  /** Reads `Authorization: Bearer <token>`; throws a 401, 403 or 503 ApiError when it is not acceptable. */
  async verifyAuthorization(header: string | undefined): Promise<Principal> {
    if (!header) {
      throw new AuthenticationError('Send a bearer token: Authorization: Bearer <token>.', false);
    }
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!token) {
      throw new AuthenticationError('The Authorization header must be "Bearer <token>".', true);
    }
    return this.verify(token);
  }

  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const cached = this.verified.get(token);
    if (cached && cached.reuseUntil > now) return cached.principal;
    let payload: JWTPayload;
    try {
      payload = await this.verifyJwt(token);
    } catch (error) {
      throw toAuthError(error);
    }
    const principal = toPrincipal(payload);
    this.remember(token, {
      principal,
      reuseUntil: Math.min(now + VERIFIED_CACHE_MS, (payload.exp ?? 0) * 1000),
    });
    return principal;
  }

  private remember(token: string, entry: VerifiedToken): void {
    this.verified.delete(token);
    // A Map iterates in insertion order, so the first key is the oldest entry.
    if (this.verified.size >= VERIFIED_CACHE_ENTRIES) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, entry);
  }
}

function toAuthError(error: unknown): AuthenticationError | ServiceUnavailableError {
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('The token has expired; get a new one.', true);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('The token signature is not valid.', true);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthenticationError(
      'The token is signed with an algorithm this api does not accept.',
      true,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError(
      `The token's "${error.claim}" claim is not acceptable: ${error.reason}.`,
      true,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthenticationError('The token is signed with a key this api does not know.', true);
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  ) {
    // The identity provider's key set could not be fetched or read: not the caller's fault.
    return new ServiceUnavailableError(
      'The keys to verify tokens could not be fetched; try again shortly.',
    );
  }
  return new AuthenticationError('The token is not a valid JWT.', true);
}

// A claim that is not an address we could send to is ignored rather than refused: the token
// still proves who the caller is.
const EMAIL_CLAIM = z.email().max(MAX_EMAIL_LENGTH);

function toPrincipal(payload: JWTPayload): Principal {
  const username = payload.sub ?? '';
  const problem = usernameProblem(username);
  if (problem) {
    throw new ForbiddenError(
      `The token's subject "${username.slice(0, 64)}" cannot be a Starchart username: it ${problem}.`,
    );
  }
  const roles = payload['roles'];
  const email = EMAIL_CLAIM.safeParse(payload['email']);
  return {
    username,
    isAdmin: Array.isArray(roles) && roles.includes('admin'),
    email: email.success ? email.data : null,
  };
}
