import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useServices } from '../app/services';
import { Loading } from '../components/States';

/** Where the provider sends the browser back with the authorization code. */
export function AuthCallbackPage() {
  const { auth } = useServices();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // A code can be redeemed once: React's development double effects must not try twice.
    if (started.current) return;
    started.current = true;
    auth.completeSignIn().then(
      (returnTo) => navigate(returnTo, { replace: true }),
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  }, [auth, navigate]);

  if (!failure) return <Loading label="Signing you in…" />;
  return (
    <section className="notice" aria-labelledby="callback-title">
      <h1 id="callback-title">Sign-in did not complete</h1>
      <p>{failure}</p>
      <p>
        <Link to="/">Start again</Link>
      </p>
    </section>
  );
}
