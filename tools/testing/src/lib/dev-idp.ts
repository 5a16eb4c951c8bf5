import { signIn, type TokenSet } from './sign-in';
import type { TestStack } from './stack';

/**
 * Signs a user of the stack's dev-idp in through its login page, as the web app does, and
 * returns the tokens the app would hold: `access_token` is what the api takes as a bearer token.
 */
export function signInWithDevIdp(stack: TestStack, username: string): Promise<TokenSet> {
  const user = stack.devIdp.users.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`the dev-idp has no user ${username}`);
  return signIn({
    issuer: stack.devIdp.issuer,
    clientId: stack.devIdp.clientId,
    webOrigin: stack.web.origin,
    username,
    password: user.password,
  });
}
