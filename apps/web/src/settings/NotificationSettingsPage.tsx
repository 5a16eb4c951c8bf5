import type { NotificationKind, NotificationPreferences } from '@starchart/api-client';
import { useId, useState, type FormEvent } from 'react';
import { ApiFailure, call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Loading } from '../components/States';
import { FailurePage } from '../pages/ErrorPages';

/** Every kind of mail, in the order a person meets them, with what it is about. */
const KINDS: readonly { kind: NotificationKind; label: string; hint: string }[] = [
  {
    kind: 'record-failed',
    label: 'A change to one of my records failed',
    hint: 'With the reason, so you can fix it.',
  },
  {
    kind: 'record-expiring',
    label: 'One of my records expires soon',
    hint: '30 and 7 days before, with a link that renews it in one click.',
  },
  {
    kind: 'record-removed',
    label: 'One of my records expired and was removed',
    hint: 'Sent when the expiry run removes it.',
  },
  {
    kind: 'certificate-issued',
    label: 'My certificate was issued or renewed',
    hint: 'With its new expiry date.',
  },
  {
    kind: 'certificate-failed',
    label: 'My certificate order failed',
    hint: 'With the reason the CA or DNS gave.',
  },
  {
    kind: 'certificate-renewal-failed',
    label: "My certificate's renewal failed",
    hint: 'With the date the current certificate ends.',
  },
  {
    kind: 'certificate-expiring',
    label: 'My certificate ends within 14 days and was not renewed',
    hint: 'Once per certificate.',
  },
  {
    kind: 'certificate-revocation-failed',
    label: 'I deleted my certificate but the CA did not revoke it',
    hint: 'With the reason and how long it stays valid.',
  },
];

/** Which mails the person gets: one labelled checkbox per kind, saved together. */
export function NotificationSettingsPage() {
  useDocumentTitle('Mail settings');
  const { client } = useServices();
  const { resource, reload, replace } = useResource<NotificationPreferences>(
    (signal) => call(client.GET('/api/v1/me/notifications', { signal })),
    [client],
  );
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Mail settings</h1>
      <p className="page-sub">
        Starchart writes to the address your sign-in gives it when something happens to your records
        or your certificate. Choose which mails you get.
      </p>
      {resource.state === 'loading' ? <Loading label="Loading your mail settings…" /> : null}
      {resource.state === 'failed' ? <FailurePage error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' ? (
        <PreferencesForm saved={resource.data} onSaved={replace} />
      ) : null}
    </section>
  );
}

function PreferencesForm({
  saved,
  onSaved,
}: {
  saved: NotificationPreferences;
  onSaved: (preferences: NotificationPreferences) => void;
}) {
  const { client } = useServices();
  const [wanted, setWanted] = useState<NotificationPreferences>(saved);
  const [state, setState] = useState<
    | { state: 'idle' }
    | { state: 'saving' }
    | { state: 'saved' }
    | { state: 'failed'; message: string }
  >({ state: 'idle' });
  const legendId = useId();
  const changed = KINDS.some(({ kind }) => wanted[kind] !== saved[kind]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState({ state: 'saving' });
    try {
      const stored = await call(client.PUT('/api/v1/me/notifications', { body: wanted }));
      onSaved(stored);
      setWanted(stored);
      setState({ state: 'saved' });
    } catch (error) {
      setState({
        state: 'failed',
        message: error instanceof ApiFailure ? error.message : String(error),
      });
    }
  };

  return (
    <form onSubmit={(event) => void save(event)}>
      <fieldset aria-labelledby={legendId}>
        <legend id={legendId}>Send me a mail when…</legend>
        <ul className="checkbox-list">
          {KINDS.map(({ kind, label, hint }) => (
            <li key={kind}>
              <input
                id={`notify-${kind}`}
                type="checkbox"
                checked={wanted[kind]}
                aria-describedby={`notify-${kind}-hint`}
                onChange={(event) => {
                  setWanted({ ...wanted, [kind]: event.target.checked });
                  setState({ state: 'idle' });
                }}
              />
              <label htmlFor={`notify-${kind}`}>
                {label}
                <span id={`notify-${kind}-hint`} className="checkbox-list__hint">
                  {hint}
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <button type="submit" className="button" disabled={!changed || state.state === 'saving'}>
        {state.state === 'saving' ? 'Saving…' : 'Save'}
      </button>
      <div aria-live="polite">
        {state.state === 'saved' ? <p role="status">Saved.</p> : null}
        {state.state === 'failed' ? (
          <p className="callout callout--bad" role="alert">
            {state.message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
