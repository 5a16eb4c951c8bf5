import { WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { RegistryProcessor, runExclusively, type RedisClient } from '@starchart/flow-runtime';
import type { Job } from 'bullmq';
import { CERT_WORKER_CONNECTION } from '../cert-flow-queues';
import type { ResumeCertificatesResult } from '../job-data';
import { CERT_QUEUE_REGISTRY, CERT_QUEUES } from '../queues';
import { CertificateResumer } from './certificate-resumer.service';

/** One safety-net run per job; runs never overlap, from this process or any other. */
@RegistryProcessor(CERT_QUEUE_REGISTRY, CERT_QUEUES.resumeCertificates)
export class ResumeCertificatesProcessor extends WorkerHost {
  constructor(
    private readonly resumer: CertificateResumer,
    @Inject(CERT_WORKER_CONNECTION) private readonly redis: RedisClient,
  ) {
    super();
  }

  override process(job: Job, token?: string): Promise<ResumeCertificatesResult> {
    return runExclusively(
      job,
      token,
      this.redis,
      { name: 'resume-certificates-lock', ttlMs: 10_000, retryMs: 2_000 },
      () => this.resumer.resumeStalled(),
    );
  }
}
