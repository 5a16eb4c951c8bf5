export * from './lib/cert-config';
export * from './lib/cert-flow-options';
export * from './lib/cert-flow.module';
export * from './lib/cert-flow.service';
export * from './lib/errors';
export * from './lib/acme/ca-pause';
export * from './lib/flow';
export * from './lib/job-data';
export * from './lib/key-cipher';
export * from './lib/queues';
export { CertificateRenewals } from './lib/renewal/certificate-renewals.service';
export { RenewalInfoClient } from './lib/renewal/renewal-info.client';
export { ariCertId } from './lib/renewal/ari-cert-id';
export { RENEWAL_SCHEDULER_ID, RESUME_SCHEDULER_ID } from './lib/cert-schedules';
export { CertFlowQueues } from './lib/cert-flow-queues';
export {
  CertificateAdmissions,
  ISSUANCE_LEDGER,
  type AdmittedOrder,
  type QueueStanding,
} from './lib/admission/certificate-admissions.service';
export { CA_PAUSE, type CaPauseReader } from './lib/admission/ca-pause';
export * from './lib/admission/issuance-budget';
export { IssuanceLedger, type Admission } from './lib/admission/issuance-ledger';
export { ADMIT_SCHEDULER_ID } from './lib/cert-schedules';
