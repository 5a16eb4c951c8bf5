import { FlowQueues } from '@starchart/flow-runtime';
import type { Queue } from 'bullmq';
import type { QueueConfig } from './queue-config';
import { DNS_QUEUE_REGISTRY, RECONCILE_QUEUE, type DnsRegistryQueue } from './queues';
import type { ReconcileJobData, ReconcileReport } from './reconcile/reconcile-job';

/** How this lib's connections show in Redis CLIENT LIST. */
export const REDIS_CLIENT = 'starchart';

/** Token of the workers' Redis connection (the reconciler's run lock uses it too). */
export const WORKER_CONNECTION = Symbol('DNS_FLOW_WORKER_CONNECTION');

export type ReconcileQueue = Queue<ReconcileJobData, ReconcileReport>;

/** The producer's handles, one per queue of DNS_QUEUE_REGISTRY, on one shared connection. */
export class DnsFlowQueues extends FlowQueues<DnsRegistryQueue> {
  static open(config: QueueConfig): DnsFlowQueues {
    return new DnsFlowQueues(DNS_QUEUE_REGISTRY, config, REDIS_CLIENT);
  }

  get reconcile(): ReconcileQueue {
    return this.queue(RECONCILE_QUEUE);
  }
}
