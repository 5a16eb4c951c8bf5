import type { CertificateEntity, CertificatesRepository } from '@starchart/persistence';
import { CertificateGoneError } from '../errors';
import { certFlowIdFor } from '../flow';
import type { CertJobData } from '../job-data';

/** The certificate while `job`'s flow still owns it; a replaced or deleted one is gone for the flow. */
export async function rowOfFlow(
  certificates: CertificatesRepository,
  job: CertJobData,
): Promise<CertificateEntity> {
  const row = await certificates.findOfFlow(job.certificateId, certFlowIdFor(job));
  if (!row) throw new CertificateGoneError(job.certificateId);
  return row;
}
