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
