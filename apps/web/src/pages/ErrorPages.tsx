import { Link } from 'react-router';
import { ApiFailure } from '../api/api-failure';
import { useDocumentTitle } from '../app/use-document-title';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useDocumentTitle('Not found');
  return (
    <section className="notice" aria-labelledby="notice-title">
      <h1 id="notice-title">Not found</h1>
      <p>There is no such {what} here. It may have been deleted, or the address may be mistyped.</p>
      <p>
        <Link to="/">Go to your dashboard</Link> or <Link to="/records">see your records</Link>.
      </p>
    </section>
  );
}

export function ApiUnreachablePage({ onRetry }: { onRetry?: () => void }) {
  useDocumentTitle('Starchart is unreachable');
  return (
    <section className="notice" aria-labelledby="notice-title">
      <h1 id="notice-title">Starchart cannot be reached</h1>
      <p>
        Your browser got no answer from the Starchart api. Check your network connection; if it
        works, Starchart itself may be down for a moment.
      </p>
      <p>Nothing you did was lost: try again in a little while.</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </section>
  );
}

export function UnexpectedErrorPage({
  detail,
  onRetry,
}: {
  detail?: string;
  onRetry?: () => void;
}) {
  useDocumentTitle('Something went wrong');
  return (
    <section className="notice" aria-labelledby="notice-title">
      <h1 id="notice-title">Something went wrong</h1>
      <p>Starchart ran into an error it did not expect. Trying again often helps.</p>
      {detail ? <p className="notice__detail">Details: {detail}</p> : null}
      <p>If it keeps happening, tell the people who run Starchart what you were doing.</p>
      <div className="actions">
        {onRetry ? (
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        ) : null}
        <Link className="button button--quiet" to="/">
          Go to your dashboard
        </Link>
      </div>
    </section>
  );
}

/** The page for a failed load: not found, unreachable, or unexpected. */
export function FailurePage({
  error,
  what,
  onRetry,
}: {
  error: unknown;
  what?: string;
  onRetry?: () => void;
}) {
  if (error instanceof ApiFailure) {
    if (error.kind === 'not-found') return <NotFoundPage {...(what && { what })} />;
    if (error.kind === 'unreachable') return <ApiUnreachablePage {...(onRetry && { onRetry })} />;
    return <UnexpectedErrorPage detail={error.message} {...(onRetry && { onRetry })} />;
  }
  return (
    <UnexpectedErrorPage
      detail={error instanceof Error ? error.message : String(error)}
      {...(onRetry && { onRetry })}
    />
  );
}
