import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { createRedisConnection } from '@starchart/flow-runtime';
import type { Redis } from 'ioredis';
import { ACME_CONFIG, AcmeAccountService } from './acme/acme-account.service';
import {
  CERT_STEP_SETTINGS,
  toCertStepSettings,
  type CertFlowWorkerOptions,
} from './cert-flow-options';
import { CERT_REDIS_CLIENT, CertFlowQueues } from './cert-flow-queues';
import { CertFlowWorkers, CERT_WORKER_CONNECTION } from './cert-flow-workers';
import { CertFlowService } from './cert-flow.service';
import { CertificateSteps } from './certificate-steps.service';
import { KeyCipher } from './key-cipher';
import { CERT_FLOW_QUEUE_NAMES } from './queues';
import { CertificateRenewals } from './renewal/certificate-renewals.service';
import { RenewCertificatesProcessor } from './renewal/renew-certificates.processor';
import { CheckChallengeDnsProcessor } from './steps/check-challenge-dns.processor';
import { CleanupChallengeProcessor } from './steps/cleanup-challenge.processor';
import { CreateAcmeOrderProcessor } from './steps/create-acme-order.processor';
import { FinalizeCertificateProcessor } from './steps/finalize-certificate.processor';
import { ValidateChallengesProcessor } from './steps/validate-challenges.processor';
import { WriteChallengeRecordProcessor } from './steps/write-challenge-record.processor';

@Module({})
class CertFlowWorkerConnectionModule {}

/**
 * The processors of the certificate flow and the renewal schedule. Importing this module starts
 * workers in the importing process, so only apps/worker (and tests) import it. The importing app
 * provides the one Route53Service (Route53Module.forRoot), shared with the DNS record flow.
 */
@Module({})
export class CertFlowWorkerModule {
  static forRoot(options: CertFlowWorkerOptions): DynamicModule {
    const connection: DynamicModule = {
      module: CertFlowWorkerConnectionModule,
      providers: [
        {
          provide: CERT_WORKER_CONNECTION,
          useFactory: (): Redis =>
            createRedisConnection(options.queue.redisUrl, 'worker', CERT_REDIS_CLIENT),
        },
      ],
      exports: [CERT_WORKER_CONNECTION],
    };
    return {
      module: CertFlowWorkerModule,
      imports: [
        DiscoveryModule,
        connection,
        BullModule.registerQueueAsync(
          ...CERT_FLOW_QUEUE_NAMES.map((name) => ({
            name,
            imports: [connection],
            inject: [CERT_WORKER_CONNECTION],
            useFactory: (redis: Redis) => ({
              connection: redis,
              prefix: options.queue.prefix,
              telemetry: options.queue.telemetry,
            }),
          })),
        ),
      ],
      providers: [
        { provide: CERT_STEP_SETTINGS, useValue: toCertStepSettings(options) },
        { provide: ACME_CONFIG, useValue: options.acme },
        {
          provide: KeyCipher,
          useFactory: () => new KeyCipher(options.encryption.key, options.encryption.retiredKeys),
        },
        // The renewal run adds flows like the api does.
        { provide: CertFlowQueues, useFactory: () => CertFlowQueues.open(options.queue) },
        CertFlowService,
        AcmeAccountService,
        CertificateSteps,
        CertificateRenewals,
        CreateAcmeOrderProcessor,
        WriteChallengeRecordProcessor,
        CheckChallengeDnsProcessor,
        ValidateChallengesProcessor,
        FinalizeCertificateProcessor,
        CleanupChallengeProcessor,
        RenewCertificatesProcessor,
        CertFlowWorkers,
      ],
      exports: [CertificateRenewals],
    };
  }
}
