import { Component, type ReactNode } from 'react';
import { UnexpectedErrorPage } from '../pages/ErrorPages';

interface State {
  error: Error | null;
}

/** A page that throws while rendering shows the unexpected-error page, not a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <main id="main" className="main">
          <UnexpectedErrorPage
            detail={this.state.error.message}
            onRetry={() => this.setState({ error: null })}
          />
        </main>
      );
    }
    return this.props.children;
  }
}
