import type { CertificateStep } from '@starchart/api-client';
import type { Ref } from 'react';
import { StepList } from '../components/StepList';
import { CERTIFICATE_DELETE_STEPS, CERTIFICATE_STEPS } from './certificate-steps';

/** The steps of the order that runs, or of the last one once it failed. */
export function OrderProgress({ running, steps }: { running: boolean; steps: CertificateStep[] }) {
  return (
    <div className="panel">
      <h2>{running ? 'Progress' : 'Last order'}</h2>
      <StepList order={CERTIFICATE_STEPS} steps={steps} label="Steps of the certificate order" />
    </div>
  );
}

/** A delete that runs: what it does (withdraw, revoke first, or just delete) and its steps. */
export function RemovalProgress({
  headingRef,
  withdraws,
  revokes,
  valid,
  steps,
}: {
  /** The heading takes the focus when the delete was asked for on this page. */
  headingRef: Ref<HTMLHeadingElement>;
  withdraws: boolean;
  revokes: boolean;
  /** The certificate was issued, so it stays valid unless revoked. */
  valid: boolean;
  steps: CertificateStep[];
}) {
  return (
    <div className="panel">
      <h2 ref={headingRef} tabIndex={-1}>
        {withdraws ? 'Withdrawing…' : revokes ? 'Revoking…' : 'Deleting…'}
      </h2>
      <p className="callout callout--info" role="status">
        {withdraws
          ? 'Your order is leaving the queue.'
          : revokes
            ? 'Your certificate is being revoked at the certificate authority, then deleted.'
            : valid
              ? 'Your certificate is being deleted without being revoked.'
              : 'Your certificate is being deleted.'}
      </p>
      <StepList
        order={CERTIFICATE_DELETE_STEPS}
        steps={steps}
        label="Steps of the certificate delete"
      />
    </div>
  );
}
