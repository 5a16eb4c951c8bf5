import { WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { RegistryProcessor, runExclusively, type RedisClient } from '@starchart/flow-runtime';
import type { Job } from 'bullmq';
import { CERT_WORKER_CONNECTION } from '../cert-flow-queues';
import type { AdmitCertificatesResult } from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertificateAdmissions } from './certificate-admissions.service';

/**
 * The admission run: lets queued orders out as the budget allows, first come first served. One
 * run at a time in the deployment (a Redis lock): overlapping runs would be safe (see
 * CertificateAdmissions) but would only race each other for the same rows.
 */
@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.admitCertificates)
export class AdmitCertificatesProcessor extends WorkerHost {
  constructor(
    private readonly admissions: CertificateAdmissions,
    @Inject(CERT_WORKER_CONNECTION) private readonly redis: RedisClient,
  ) {
    super();
  }

  override process(job: Job, token?: string): Promise<AdmitCertificatesResult> {
    return runExclusively(
      job,
      token,
      this.redis,
      { name: 'admit-certificates-lock', ttlMs: 10_000, retryMs: 2_000 },
      async () => {
        const admitted = await this.admissions.admitQueued();
        await this.admissions.startAll(admitted);
        return { admitted: admitted.map((order) => order.certificateId) };
      },
    );
  }
}
