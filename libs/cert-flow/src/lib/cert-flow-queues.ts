import { FlowQueues } from '@starchart/flow-runtime';
import type { CertQueueConfig } from './cert-flow-options';
import { CERT_QUEUE_REGISTRY, type CertQueueName } from './queues';

/** How this lib's connections show in Redis CLIENT LIST. */
export const CERT_REDIS_CLIENT = 'starchart-cert';

/** Token of the workers' Redis connection. */
export const CERT_WORKER_CONNECTION = Symbol('CERT_FLOW_WORKER_CONNECTION');

/** The producer's handles, one per queue of CERT_QUEUE_REGISTRY, on one shared connection. */
export class CertFlowQueues extends FlowQueues<CertQueueName> {
  static open(config: CertQueueConfig): CertFlowQueues {
    return new CertFlowQueues(CERT_QUEUE_REGISTRY, config, CERT_REDIS_CLIENT);
  }
}
