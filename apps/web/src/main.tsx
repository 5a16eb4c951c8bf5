import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices, ServicesProvider } from './app/services';
import { Auth } from './auth/auth';
import { SessionProvider } from './auth/session';
import { loadConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

loadConfig().then(
  (config) => {
    const auth = new Auth(config.oidc);
    root.render(
      <StrictMode>
        <ServicesProvider services={createServices(config, auth)}>
          <SessionProvider auth={auth}>
            <App />
          </SessionProvider>
        </ServicesProvider>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(
      <main className="main">
        <section className="notice">
          <h1>Starchart cannot start</h1>
          <p>
            Its settings could not be read: {error instanceof Error ? error.message : String(error)}
          </p>
          <p>The people who run Starchart need to provide a valid /config.json.</p>
        </section>
      </main>,
    );
  },
);
