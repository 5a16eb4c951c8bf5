import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { personOf, type Auth, type Person } from './auth';

export type Session =
  { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; person: Person };

const SessionContext = createContext<Session>({ state: 'loading' });

/** Follows the OIDC user: loaded at start, after sign-in and renewal; gone after sign-out. */
export function SessionProvider({ auth, children }: { auth: Auth; children: ReactNode }) {
  const [session, setSession] = useState<Session>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    const { events } = auth.manager;
    const onLoaded = (user: Parameters<Parameters<typeof events.addUserLoaded>[0]>[0]) =>
      setSession({ state: 'signed-in', person: personOf(user) });
    const onUnloaded = () => setSession({ state: 'signed-out' });
    events.addUserLoaded(onLoaded);
    events.addUserUnloaded(onUnloaded);
    events.addUserSignedOut(onUnloaded);
    void auth.currentUser().then((user) => {
      if (live)
        setSession(user ? { state: 'signed-in', person: personOf(user) } : { state: 'signed-out' });
    });
    return () => {
      live = false;
      events.removeUserLoaded(onLoaded);
      events.removeUserUnloaded(onUnloaded);
      events.removeUserSignedOut(onUnloaded);
    };
  }, [auth]);

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}

/** The signed-in person; only inside routes that require sign-in. */
export function usePerson(): Person {
  const session = useSession();
  if (session.state !== 'signed-in') throw new Error('usePerson outside a signed-in route');
  return session.person;
}
