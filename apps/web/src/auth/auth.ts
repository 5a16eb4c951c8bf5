import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { WebConfig } from '../config';

/** The signed-in person as the pages need them. */
export interface Person {
  username: string;
  name: string;
  email: string | undefined;
  isAdmin: boolean;
}

export const CALLBACK_PATH = '/auth/callback';

/**
 * OpenID Connect sign-in: authorization code with PKCE, tokens in sessionStorage (gone with the
 * tab), renewed with the refresh token a minute before the access token expires.
 */
export class Auth {
  readonly manager: UserManager;

  constructor(oidc: WebConfig['oidc'], origin: string = window.location.origin) {
    this.manager = new UserManager({
      authority: oidc.authority,
      client_id: oidc.clientId,
      redirect_uri: `${origin}${CALLBACK_PATH}`,
      post_logout_redirect_uri: `${origin}/`,
      response_type: 'code',
      scope: 'openid profile email offline_access',
      automaticSilentRenew: true,
      accessTokenExpiringNotificationTimeInSeconds: 60,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    });
  }

  async currentUser(): Promise<User | null> {
    const user = await this.manager.getUser();
    if (!user) return null;
    if (!user.expired) return user;
    // Asleep past the renewal (a closed laptop): one refresh, or signed out.
    if (!user.refresh_token) return null;
    try {
      return await this.manager.signinSilent();
    } catch {
      return null;
    }
  }

  async accessToken(): Promise<string | null> {
    return (await this.currentUser())?.access_token ?? null;
  }

  /** Off to the provider's sign-in page; back at `returnTo` afterwards. */
  signIn(returnTo: string): Promise<void> {
    return this.manager.signinRedirect({ state: { returnTo } });
  }

  /** Finishes the redirect from the provider; answers where to go next. */
  async completeSignIn(): Promise<string> {
    const user = await this.manager.signinRedirectCallback();
    return returnToOf(user.state);
  }

  /** The api refused the token: forget it and sign in again, back to the same page. */
  async signInAgain(returnTo: string): Promise<void> {
    await this.manager.removeUser();
    await this.signIn(returnTo);
  }

  async signOut(): Promise<void> {
    const user = await this.manager.getUser();
    await this.manager.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
  }
}

export function personOf(user: User): Person {
  const { profile } = user;
  const roles = Array.isArray(profile['roles']) ? profile['roles'] : [];
  return {
    username: profile.preferred_username ?? profile.sub,
    name: profile.name ?? profile.preferred_username ?? profile.sub,
    email: profile.email,
    isAdmin: roles.includes('admin'),
  };
}

/** Only a path of this app: never send a person elsewhere after sign-in. */
function returnToOf(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'returnTo' in state) {
    const { returnTo } = state;
    if (typeof returnTo === 'string' && returnTo.startsWith('/') && !returnTo.startsWith('//'))
      return returnTo;
  }
  return '/';
}
