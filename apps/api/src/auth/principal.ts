/** The authenticated caller of a request: the token's `sub` is the username that owns a zone. */
export interface Principal {
  username: string;
  isAdmin: boolean;
  /** The token's `email` claim when it holds an address; where notifications go. */
  email: string | null;
}

// A username becomes a DNS label (<name>.<username>.<ROOT_DOMAIN>), hence the label rules.
const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Why `value` cannot be a username, or undefined when it can. */
export function usernameProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > 32) return 'must be 1 to 32 characters long';
  if (!/^[a-z0-9-]+$/.test(value)) {
    return 'may only contain lower-case letters a-z, digits and hyphens';
  }
  if (!USERNAME_PATTERN.test(value)) return 'must not start or end with a hyphen';
  return undefined;
}
