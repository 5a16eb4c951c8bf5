export * from './lib/cert-config';
export * from './lib/cert-flow-options';
export * from './lib/cert-flow.module';
export * from './lib/cert-flow.service';
export * from './lib/errors';
export * from './lib/flow';
export * from './lib/job-data';
export * from './lib/key-cipher';
export * from './lib/queues';
export { CertificateRenewals } from './lib/renewal/certificate-renewals.service';
export { RENEWAL_SCHEDULER_ID, RESUME_SCHEDULER_ID } from './lib/cert-schedules';
export { CertFlowQueues } from './lib/cert-flow-queues';
export {
  CertificateRevoker,
  CertRevocationModule,
  RevocationRefusedError,
} from './lib/acme/certificate-revoker';
