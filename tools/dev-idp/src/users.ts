import { createHash, timingSafeEqual } from 'node:crypto';

/** A person who can sign in to the development provider. */
export interface DevUser {
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
}

/**
 * The people of the development provider. Their passwords are published here on purpose: the
 * provider only ever listens on loopback (or inside a container published on loopback), and
 * the api refuses the development secret outside development.
 */
export const DEV_USERS: readonly DevUser[] = [
  {
    username: 'alice',
    password: 'alice-password',
    email: 'alice@example.org',
    name: 'Alice Example',
    roles: [],
  },
  {
    username: 'bob',
    password: 'bob-password',
    email: 'bob@example.org',
    name: 'Bob Example',
    roles: [],
  },
  {
    username: 'admin',
    password: 'admin-password',
    email: 'admin@example.org',
    name: 'Starchart Admin',
    roles: ['admin'],
  },
];

export function findUser(username: string): DevUser | undefined {
  return DEV_USERS.find((user) => user.username === username);
}

/** The user whose username and password these are, or undefined; compares in constant time. */
export function authenticate(username: string, password: string): DevUser | undefined {
  const user = findUser(username.trim());
  // Hashing first gives equal lengths, which timingSafeEqual needs.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const matches = timingSafeEqual(digest(password), digest(user?.password ?? ''));
  return user && matches ? user : undefined;
}
