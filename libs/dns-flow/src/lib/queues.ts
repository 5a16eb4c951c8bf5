import {
  HOUR_S,
  scheduledRunRow,
  type QueueRegistry,
  type Retention,
  type StepRow,
} from '@starchart/flow-runtime/table';

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

/** The reconciler's queue: one job per run, from the job scheduler or asked for by an admin. */
export const RECONCILE_QUEUE = 'reconcile';
export type ReconcileQueueName = typeof RECONCILE_QUEUE;

/** The expiry run's queue: one job per slot of its job scheduler. */
export const EXPIRE_RECORDS_QUEUE = 'expire-records';

// Enough for GET /records/{id} and the board to show recent flows; a failed job is what an
// operator investigates, so it stays longer. About 10 KB a job, so at most ~50 MB of failed jobs
// per queue in Redis and ~10 MB of completed ones.
const RETENTION: Retention = {
  completed: { age: 24 * HOUR_S, count: 1_000 },
  failed: { age: 7 * 24 * HOUR_S, count: 5_000 },
};

/**
 * The DNS record flow, one row per step; the parent runs after all of its children:
 *
 *   sync-db-status            (root) set the row active or error, or remove it after a delete
 *   ├── add-db-record                confirm the row (create it from the job if missing)
 *   └── check-dns-status             wait for the change to reach INSYNC
 *       └── create-dns-record        UPSERT or DELETE the record set in Route 53
 *
 * Concurrency: a create-dns-record job waits for its shared batch, so a process batches at most
 * as many changes as it has slots; check-dns-status sleeps in the delayed set. Both hold no CPU
 * while they wait, so they get many slots. Each database step holds a pooled connection:
 * together they stay under the default DATABASE_POOL_SIZE (10), leaving room for the
 * reconciler. Route 53 steps back off longer: throttling clears in seconds, not milliseconds.
 */
export const DNS_FLOW_STEPS: { readonly [Step in DnsQueueName]: StepRow<DnsQueueName> } = {
  [DNS_QUEUES.syncDbStatus]: {
    jobName: 'syncDbStatus',
    children: [DNS_QUEUES.addDbRecord, DNS_QUEUES.checkDnsStatus],
    retry: { attempts: 8, firstRetryMs: 1_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: 4,
    poll: null,
  },
  [DNS_QUEUES.addDbRecord]: {
    jobName: 'addDbRecord',
    children: [],
    retry: { attempts: 5, firstRetryMs: 1_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: 4,
    poll: null,
  },
  [DNS_QUEUES.checkDnsStatus]: {
    jobName: 'checkDnsStatus',
    children: [DNS_QUEUES.createDnsRecord],
    retry: { attempts: 6, firstRetryMs: 2_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: 512,
    // A change usually reaches INSYNC within a minute: poll fast at first, then back off.
    poll: { minMs: 250, maxMs: 2_000 },
  },
  [DNS_QUEUES.createDnsRecord]: {
    jobName: 'createDnsRecord',
    children: [],
    retry: { attempts: 6, firstRetryMs: 2_000 },
    retention: RETENTION,
    locks: 'shared',
    concurrency: 512,
    poll: null,
  },
};

/**
 * Every queue this lib owns, flow steps and the reconciler alike: what the board shows, the
 * producer opens and the worker must process. Adding a queue is adding a row.
 */
export const DNS_QUEUE_REGISTRY = {
  ...DNS_FLOW_STEPS,
  // One run at a time per process; the run's Redis lock covers the other processes. Runs are
  // kept for a week so an admin can read their reports.
  [RECONCILE_QUEUE]: scheduledRunRow('reconcile', {
    completedHours: 7 * 24,
    failedHours: 7 * 24,
    count: 500,
  }),
  // One run at a time per process; runs of several processes only race for conditional updates.
  [EXPIRE_RECORDS_QUEUE]: scheduledRunRow('expireRecords', {
    completedHours: 7 * 24,
    failedHours: 30 * 24,
    count: 200,
  }),
} as const satisfies QueueRegistry;

export type DnsRegistryQueue = keyof typeof DNS_QUEUE_REGISTRY;
