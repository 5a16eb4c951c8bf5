import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyOptions,
} from 'jose';
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

/** Verifies bearer tokens and turns their claims into a Principal. */
export class TokenVerifier {
  private readonly verifyJwt: (token: string) => Promise<JWTPayload>;

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
    let payload: JWTPayload;
    try {
      payload = await this.verifyJwt(token);
    } catch (error) {
      throw toAuthError(error);
    }
    return toPrincipal(payload);
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

function toPrincipal(payload: JWTPayload): Principal {
  const username = payload.sub ?? '';
  const problem = usernameProblem(username);
  if (problem) {
    throw new ForbiddenError(
      `The token's subject "${username.slice(0, 64)}" cannot be a Starchart username: it ${problem}.`,
    );
  }
  const roles = payload['roles'];
  return { username, isAdmin: Array.isArray(roles) && roles.includes('admin') };
}
