import type { CertificateEntity } from '@starchart/persistence';
import type { CertificateView } from './certificate.schemas';

export const CERTIFICATES_PATH = '/api/v1/certificates';

export function certificateLocation(id: string): string {
  return `${CERTIFICATES_PATH}/${id}`;
}

export function toCertificateView(certificate: CertificateEntity): CertificateView {
  return {
    id: certificate.id,
    username: certificate.username,
    domains: certificate.domains,
    status: certificate.status,
    statusReason: certificate.statusReason,
    validFrom: certificate.validFrom?.toISOString() ?? null,
    validTo: certificate.validTo?.toISOString() ?? null,
    createdAt: certificate.createdAt.toISOString(),
    updatedAt: certificate.updatedAt.toISOString(),
  };
}
