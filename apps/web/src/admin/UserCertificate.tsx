import type { CertificateWithSteps } from '@starchart/api-client';
import { CERTIFICATE_STEPS } from '../certificate/certificate-steps';
import { StatusBadge } from '../components/StatusBadge';
import { StepList } from '../components/StepList';
import { formatDateTime } from '../records/format';

/** Their certificate: its status, until when it is valid or its place in the queue, its steps. */
export function UserCertificate({ certificate }: { certificate: CertificateWithSteps | null }) {
  return (
    <section className="panel" aria-labelledby="certificate-title">
      <h2 id="certificate-title">Certificate</h2>
      {certificate ? (
        <>
          <p>
            <StatusBadge status={certificate.status} reason={certificate.statusReason} />{' '}
            {certificate.validTo ? `valid until ${formatDateTime(certificate.validTo)}` : null}
            {certificate.queue
              ? `place ${certificate.queue.place} in the queue, estimated start ${formatDateTime(certificate.queue.estimatedStartAt)}`
              : null}
          </p>
          {certificate.steps ? (
            <StepList
              order={CERTIFICATE_STEPS}
              steps={certificate.steps}
              label="Steps of the latest order"
            />
          ) : null}
        </>
      ) : (
        <p>No certificate ordered.</p>
      )}
    </section>
  );
}
