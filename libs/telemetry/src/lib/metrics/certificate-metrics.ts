import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

export interface CertificateSummary {
  /** The soonest `validTo` of any stored certificate; null when none is stored. */
  earliestExpiry: Date | null;
  /** Certificates whose renewal failed while the one they replace still serves. */
  failedRenewals: number;
}

/** Certificate health read from the database when scraped. */
export class CertificateMetrics {
  constructor(registry: Registry, summarize: () => Promise<CertificateSummary>) {
    // One read per scrape feeds both gauges: the first collect reads, the second reuses it.
    let pending: Promise<CertificateSummary> | undefined;
    const read = (): Promise<CertificateSummary> => {
      pending ??= summarize().finally(() => setImmediate(() => (pending = undefined)));
      return pending;
    };
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
  }
}
