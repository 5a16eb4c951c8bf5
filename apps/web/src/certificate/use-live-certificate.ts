import type { Certificate, CertificateStep, CertificateWithSteps } from '@starchart/api-client';
import { useEffect, useState } from 'react';
import { useServices } from '../app/services';
import { goneAs, type Gone, type Removal } from './removal';

// A queued order is followed too: the page shows its steps once the budget lets it start.
const FOLLOWED: readonly string[] = ['pending', 'renewing', 'deleting', 'queued'];

export interface LiveCertificate {
  certificate: Certificate;
  steps: CertificateStep[];
  /** A delete that runs (or would run) revokes the certificate first. */
  revokes: boolean;
  /** The delete that runs takes a queued order out of the queue. */
  withdraws: boolean;
}

/**
 * A certificate that updates itself from the api's event stream while something runs (an order,
 * its wait in the queue, a delete): status and step changes arrive without reloading, and
 * `onGone` hears how a delete ended once the certificate is gone.
 */
export function useLiveCertificate(
  loaded: CertificateWithSteps,
  removal: Removal | null,
  onGone: (how: Gone) => void,
): LiveCertificate {
  const { followCertificate } = useServices();
  const [certificate, setCertificate] = useState<Certificate>(loaded);
  const [steps, setSteps] = useState<CertificateStep[]>(loaded.steps ?? []);
  // A page opened while a delete runs cannot know whether it was forced; only a delete from
  // revocation-failed can be, so revoking is the likely answer.
  const revokes = certificate.validTo !== null && (removal?.revoke ?? true);
  const withdraws = removal?.withdraw ?? false;

  // Callers remount (a React key) when the certificate they pass changes.
  useEffect(() => {
    if (!FOLLOWED.includes(loaded.status)) return;
    const gone = goneAs(withdraws, revokes, loaded.validTo);
    const abort = new AbortController();
    followCertificate(
      loaded.id,
      (event) => {
        if (event.event === 'status') setCertificate(event.data);
        if (event.event === 'step') {
          const step = event.data;
          setSteps((previous) => [...previous.filter((known) => known.step !== step.step), step]);
        }
      },
      abort.signal,
    ).then(
      (done) => {
        if (done.status === 'gone') onGone(gone);
      },
      () => {
        // Gone before the stream started (a 404), or the stream broke: read it again.
        if (!abort.signal.aborted && loaded.status === 'deleting') onGone(gone);
      },
    );
    return () => abort.abort();
  }, [loaded, followCertificate, onGone, revokes, withdraws]);

  return { certificate, steps, revokes, withdraws };
}
