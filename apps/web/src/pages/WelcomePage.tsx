import { useLocation } from 'react-router';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';

/** Signed out: what Starchart is, and the way in. */
export function WelcomePage() {
  useDocumentTitle('Welcome');
  const { auth } = useServices();
  const location = useLocation();
  const returnTo = location.pathname === '/' ? '/' : `${location.pathname}${location.search}`;
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Your own corner of DNS</h1>
      <p className="lead">
        Starchart gives you names under your own subdomain and an HTTPS certificate for them, in a
        few clicks.
      </p>
      <button
        type="button"
        className="button button--large"
        onClick={() => void auth.signIn(returnTo)}
      >
        Sign in
      </button>
    </section>
  );
}
