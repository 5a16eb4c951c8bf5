import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { FlowWorkers } from '@starchart/flow-runtime';
import type { Redis } from 'ioredis';
import {
  DNS_QUEUE_REGISTRY,
  RECONCILE_QUEUE,
  type DnsQueueName,
  type ReconcileQueueName,
} from './queues';
import { STEP_SETTINGS, type StepSettings } from './worker-options';

export const WORKER_CONNECTION = Symbol('DNS_FLOW_WORKER_CONNECTION');

/** The worker lifecycle of the DNS record flow and its reconciler. */
@Injectable()
export class DnsFlowWorkers extends FlowWorkers<DnsQueueName | ReconcileQueueName> {
  constructor(
    discovery: DiscoveryService,
    moduleRef: ModuleRef,
    @Inject(STEP_SETTINGS) settings: StepSettings,
    @Inject(WORKER_CONNECTION) connection: Redis,
  ) {
    super(discovery, moduleRef, connection, {
      label: 'DNS flow',
      registry: DNS_QUEUE_REGISTRY,
      // One run at a time per process; the run's Redis lock covers the other processes.
      concurrency: (queue) => (queue === RECONCILE_QUEUE ? 1 : settings.concurrency[queue]),
    });
  }
}
