import { type DynamicModule, Module } from '@nestjs/common';
import { flowWorkerModule, type RedisClient } from '@starchart/flow-runtime';
import { ACME_CONFIG, AcmeAccountService } from './acme/acme-account.service';
import { CertificateRevoker } from './acme/certificate-revoker';
import { CaPause, DEFAULT_CA_PAUSE_BACKOFF } from './acme/ca-pause';
import { AdmitCertificatesProcessor } from './admission/admit-certificates.processor';
import { admissionProviders } from './admission/admission-providers';
import {
  CERT_STEP_SETTINGS,
  toCertStepSettings,
  type CertFlowWorkerOptions,
} from './cert-flow-options';
import { CERT_REDIS_CLIENT, CERT_WORKER_CONNECTION, CertFlowQueues } from './cert-flow-queues';
import { CertFlowService } from './cert-flow.service';
import { CertificateDeletion } from './certificate-deletion.service';
import { CertificateNotices } from './certificate-notices.service';
import { KeyCipher } from './key-cipher';
import { CertificateOrdering } from './order/certificate-ordering.service';
import { CertificateSigning } from './order/certificate-signing.service';
import { ChallengeRecords } from './order/challenge-records.service';
import { OrderOutcome } from './order/order-outcome.service';
import { CERT_QUEUE_REGISTRY } from './queues';
import { CertificateRenewals } from './renewal/certificate-renewals.service';
import { RenewCertificatesProcessor } from './renewal/renew-certificates.processor';
import { RENEWAL_INFO_CONFIG, RenewalInfoClient } from './renewal/renewal-info.client';
import { CertificateResumer } from './resume/certificate-resumer.service';
import { ResumeCertificatesProcessor } from './resume/resume-certificates.processor';
import { CertSchedules } from './cert-schedules';
import { CheckChallengeDnsProcessor } from './steps/check-challenge-dns.processor';
import { CleanupChallengeProcessor } from './steps/cleanup-challenge.processor';
import { CreateAcmeOrderProcessor } from './steps/create-acme-order.processor';
import { FinalizeCertificateProcessor } from './steps/finalize-certificate.processor';
import { RemoveCertificateProcessor } from './steps/remove-certificate.processor';
import { RevokeCertificateProcessor } from './steps/revoke-certificate.processor';
import { ValidateChallengesProcessor } from './steps/validate-challenges.processor';
import { WriteChallengeRecordProcessor } from './steps/write-challenge-record.processor';

/**
 * The processors of the certificate flow, the delete flow, the renewal run, the safety net and the
 * admission run, on the worker module
 * generated from CERT_QUEUE_REGISTRY. Importing this module starts workers in the importing
 * process, so only apps/worker (and tests) import it. The importing app provides the one
 * Route53Service (Route53Module.forRoot), shared with the DNS record flow.
 */
@Module({})
export class CertFlowWorkerModule {
  static forRoot(options: CertFlowWorkerOptions): DynamicModule {
    return flowWorkerModule({
      module: CertFlowWorkerModule,
      label: 'certificate flow',
      registry: CERT_QUEUE_REGISTRY,
      queue: options.queue,
      redisClient: CERT_REDIS_CLIENT,
      connectionToken: CERT_WORKER_CONNECTION,
      concurrency: options.concurrency ?? {},
      providers: [
        { provide: CERT_STEP_SETTINGS, useValue: toCertStepSettings(options) },
        { provide: ACME_CONFIG, useValue: options.acme },
        { provide: RENEWAL_INFO_CONFIG, useValue: options.acme },
        RenewalInfoClient,
        {
          provide: CaPause,
          inject: [CERT_WORKER_CONNECTION],
          useFactory: (redis: RedisClient) =>
            new CaPause(redis, options.queue.prefix, options.caPause ?? DEFAULT_CA_PAUSE_BACKOFF),
        },
        {
          provide: KeyCipher,
          useFactory: () => new KeyCipher(options.encryption.key, options.encryption.retiredKeys),
        },
        // The renewal run adds flows like the api does.
        { provide: CertFlowQueues, useFactory: () => CertFlowQueues.open(options.queue) },
        CertFlowService,
        ...admissionProviders(options.queue, options.budgets),
        AcmeAccountService,
        ChallengeRecords,
        CertificateOrdering,
        CertificateSigning,
        OrderOutcome,
        CertificateRenewals,
        CertificateResumer,
        CertSchedules,
        CertificateNotices,
        CertificateRevoker,
        CertificateDeletion,
        CreateAcmeOrderProcessor,
        WriteChallengeRecordProcessor,
        CheckChallengeDnsProcessor,
        ValidateChallengesProcessor,
        FinalizeCertificateProcessor,
        CleanupChallengeProcessor,
        RenewCertificatesProcessor,
        ResumeCertificatesProcessor,
        RevokeCertificateProcessor,
        RemoveCertificateProcessor,
        AdmitCertificatesProcessor,
      ],
      exports: [CertificateRenewals, CertificateResumer, CaPause],
    });
  }
}
