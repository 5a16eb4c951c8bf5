import {
  createStarchartClient,
  followCertificate,
  followRecord,
  type CertificateProgressEvent,
  type ProgressDone,
  type RecordProgressEvent,
  type StarchartClient,
} from '@starchart/api-client';
import { createContext, useContext, type ReactNode } from 'react';
import type { Auth } from '../auth/auth';
import type { WebConfig } from '../config';

/** What every page reaches through context: settings, sign-in and the typed api client. */
export interface Services {
  config: WebConfig;
  auth: Auth;
  client: StarchartClient;
  followRecord(
    id: string,
    onEvent: (event: RecordProgressEvent) => void,
    signal: AbortSignal,
  ): Promise<ProgressDone>;
  followCertificate(
    id: string,
    onEvent: (event: CertificateProgressEvent) => void,
    signal: AbortSignal,
  ): Promise<ProgressDone>;
}

export function createServices(config: WebConfig, auth: Auth): Services {
  let signingIn = false;
  // A 401 means the token was refused: sign in again and come back to this very page, whose
  // forms keep their drafts in sessionStorage.
  const onUnauthorized = () => {
    if (signingIn) return;
    signingIn = true;
    void auth.signInAgain(`${window.location.pathname}${window.location.search}`);
  };
  const accessToken = () => auth.accessToken();
  const transport = { baseUrl: config.apiUrl, accessToken, onUnauthorized };
  return {
    config,
    auth,
    client: createStarchartClient(transport),
    followRecord: (id, onEvent, signal) => followRecord(id, { ...transport, onEvent, signal }),
    followCertificate: (id, onEvent, signal) =>
      followCertificate(id, { ...transport, onEvent, signal }),
  };
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({
  services,
  children,
}: {
  services: Services;
  children: ReactNode;
}) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}
