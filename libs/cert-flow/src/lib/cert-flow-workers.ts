import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { FlowWorkers } from '@starchart/flow-runtime';
import type { Redis } from 'ioredis';
import { CERT_STEP_SETTINGS, type CertStepSettings } from './cert-flow-options';
import { RENEWAL_JOB_OPTIONS, RENEWAL_SCHEDULER_ID } from './job-options';
import { CERT_FLOW_QUEUE_NAMES, CERT_QUEUES, type CertQueueName } from './queues';

export const CERT_WORKER_CONNECTION = Symbol('CERT_FLOW_WORKER_CONNECTION');

/** The worker lifecycle of the certificate flow, which also keeps the renewal schedule. */
@Injectable()
export class CertFlowWorkers extends FlowWorkers<CertQueueName> {
  constructor(
    discovery: DiscoveryService,
    moduleRef: ModuleRef,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
    @Inject(CERT_WORKER_CONNECTION) connection: Redis,
  ) {
    super(discovery, moduleRef, connection, {
      label: 'certificate flow',
      registry: CERT_FLOW_QUEUE_NAMES,
      concurrency: (queue) => (queue === CERT_QUEUES.renewCertificates ? 1 : settings.concurrency),
    });
  }

  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    // Every replica upserts the same scheduler id: one schedule, one job per slot.
    await this.queue(CERT_QUEUES.renewCertificates).upsertJobScheduler(
      RENEWAL_SCHEDULER_ID,
      { every: this.settings.renewEveryMs },
      { name: 'renewCertificates', data: {}, opts: RENEWAL_JOB_OPTIONS },
    );
  }
}
