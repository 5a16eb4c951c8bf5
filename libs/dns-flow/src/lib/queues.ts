/**
 * Every queue of the DNS record flow. Renaming a queue strands the jobs already in Redis
 * under the old name: add the new one and drain the old one instead.
 */
export const DNS_QUEUES = {
  addDbRecord: 'add-db-record',
  createDnsRecord: 'create-dns-record',
  checkDnsStatus: 'check-dns-status',
  syncDbStatus: 'sync-db-status',
} as const;

export type DnsQueueName = (typeof DNS_QUEUES)[keyof typeof DNS_QUEUES];

/** The registry the board and the worker read: one processor per queue, in tree order root-first. */
export const DNS_FLOW_QUEUE_NAMES: readonly DnsQueueName[] = [
  DNS_QUEUES.syncDbStatus,
  DNS_QUEUES.addDbRecord,
  DNS_QUEUES.checkDnsStatus,
  DNS_QUEUES.createDnsRecord,
];

/** The reconciler's queue: one job per run, from the job scheduler or asked for by an admin. */
export const RECONCILE_QUEUE = 'reconcile';
export type ReconcileQueueName = typeof RECONCILE_QUEUE;

/** Every queue this lib owns: what the board shows and what the worker must process. */
export const DNS_QUEUE_REGISTRY: readonly (DnsQueueName | ReconcileQueueName)[] = [
  ...DNS_FLOW_QUEUE_NAMES,
  RECONCILE_QUEUE,
];
