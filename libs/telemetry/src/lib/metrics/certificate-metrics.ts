import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX, oncePerScrape } from './registry';

export interface CertificateSummary {
  /** The soonest `validTo` of any stored certificate; null when none is stored. */
  earliestExpiry: Date | null;
  /** Certificates whose renewal failed while the one they replace still serves. */
  failedRenewals: number;
  /** Certificates kept in revocation-failed: deleted, but the CA did not revoke them. */
  failedRevocations: number;
  /** New orders waiting for the issuance budget (status queued). */
  queued: number;
  /** When the order longest in the queue was queued; null while none waits. */
  oldestQueuedAt: Date | null;
}

/** Certificate health read from the database when scraped. */
export class CertificateMetrics {
  constructor(registry: Registry, summarize: () => Promise<CertificateSummary>) {
    const read = oncePerScrape(summarize);
    new Gauge({
      name: `${METRIC_PREFIX}certificate_earliest_expiry_timestamp_seconds`,
      help: 'Unix time at which the first stored certificate expires; 0 while none is stored',
      registers: [registry],
      async collect() {
        const { earliestExpiry } = await read();
        this.set(earliestExpiry ? earliestExpiry.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}certificate_renewals_failing`,
      help: 'Certificates whose latest renewal failed while the certificate it replaces is still stored',
      registers: [registry],
      async collect() {
        this.set((await read()).failedRenewals);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}certificate_revocations_failed`,
      help: 'Certificates whose owner deleted them but the CA did not revoke them (status revocation-failed)',
      registers: [registry],
      async collect() {
        this.set((await read()).failedRevocations);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}certificates_queued`,
      help: 'New certificate orders waiting in the queue for the issuance budget (status queued)',
      registers: [registry],
      async collect() {
        this.set((await read()).queued);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}certificate_queue_oldest_timestamp_seconds`,
      help: 'Unix time at which the order longest in the issuance queue was queued; 0 while none waits',
      registers: [registry],
      async collect() {
        const { oldestQueuedAt } = await read();
        this.set(oldestQueuedAt ? oldestQueuedAt.getTime() / 1000 : 0);
      },
    });
  }
}

/** The CA's "pause new orders until" (a rateLimited answer), read from Redis when scraped. */
export class AcmePauseMetrics {
  constructor(registry: Registry, pausedUntil: () => Promise<Date | null>) {
    new Gauge({
      name: `${METRIC_PREFIX}acme_new_orders_paused_until_timestamp_seconds`,
      help: 'Unix time until which the CA asked to pause new orders (rateLimited); 0 while not paused',
      registers: [registry],
      async collect() {
        const until = await pausedUntil();
        this.set(until ? until.getTime() / 1000 : 0);
      },
    });
  }
}
