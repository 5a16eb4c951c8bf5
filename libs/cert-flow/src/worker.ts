// The worker side of the flow: its Nest module with the processors and the ACME client. Only
// worker processes import it, so the api never loads acme-client or the AWS SDK.
export * from './lib/cert-flow-worker.module';
export { CertificateResumer } from './lib/resume/certificate-resumer.service';
