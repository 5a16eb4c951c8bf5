import type { QueueStanding } from '@starchart/cert-flow';
import type { CertificateEntity } from '@starchart/persistence';
import type { CertificateView } from './certificate.schemas';

export const CERTIFICATES_PATH = '/api/v1/certificates';

export function certificateLocation(id: string): string {
  return `${CERTIFICATES_PATH}/${id}`;
}

/** `standing`: the certificate's place in the issuance queue, when it is queued and known. */
export function toCertificateView(
  certificate: CertificateEntity,
  standing?: QueueStanding,
): CertificateView {
  return {
    id: certificate.id,
    username: certificate.username,
    domains: certificate.domains,
    status: certificate.status,
    statusReason: certificate.statusReason,
    validFrom: certificate.validFrom?.toISOString() ?? null,
    validTo: certificate.validTo?.toISOString() ?? null,
    queue:
      certificate.status === 'queued' && standing
        ? { place: standing.place, estimatedStartAt: standing.estimatedStartAt.toISOString() }
        : null,
    createdAt: certificate.createdAt.toISOString(),
    updatedAt: certificate.updatedAt.toISOString(),
  };
}
