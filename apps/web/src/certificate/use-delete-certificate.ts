import type { Certificate } from '@starchart/api-client';
import { useState } from 'react';
import { ApiFailure, call } from '../api/api-failure';
import { useServices } from '../app/services';
import type { Removal } from './removal';

export interface DeleteCertificate {
  /** The confirmation dialog is open. */
  confirming: boolean;
  setConfirming: (confirming: boolean) => void;
  busy: boolean;
  /** Why the last delete was refused. */
  error: string | null;
  /** Deletes (or withdraws) the certificate; `force` deletes it without revoking it. */
  remove: (force: boolean) => Promise<void>;
}

/** Deleting the certificate: asked for, confirmed, sent; `onRemoving` gets the api's answer. */
export function useDeleteCertificate(
  certificate: Certificate,
  onRemoving: (asked: Removal, accepted: Certificate) => void,
): DeleteCertificate {
  const { client } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async (force: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const accepted = await call(
        client.DELETE('/api/v1/certificates/{id}', {
          params: { path: { id: certificate.id }, query: { force: force ? 'true' : 'false' } },
        }),
      );
      setConfirming(false);
      onRemoving({ revoke: !force, withdraw: certificate.status === 'queued' }, accepted);
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return { confirming, setConfirming, busy, error, remove };
}
