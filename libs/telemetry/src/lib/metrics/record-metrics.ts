import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX, oncePerScrape } from './registry';

export interface RecordSummary {
  /** Records whose flow has not finished: pending or deleting. */
  unsettled: number;
  /** The last write to the unsettled record written to longest ago; null while none is. */
  oldestUnsettledUpdate: Date | null;
}

/**
 * Records whose flows have not finished, read from the database when scraped. The flows write
 * their record as they go, so the oldest write growing old is a flow stuck somewhere that no
 * retry and no reconciler run brings back (StarchartRecordsStuck).
 */
export class RecordMetrics {
  constructor(registry: Registry, summarize: () => Promise<RecordSummary>) {
    const read = oncePerScrape(summarize);
    new Gauge({
      name: `${METRIC_PREFIX}records_unsettled`,
      help: 'Records whose flow has not finished (status pending or deleting)',
      registers: [registry],
      async collect() {
        this.set((await read()).unsettled);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}record_oldest_unsettled_update_timestamp_seconds`,
      help: 'Unix time of the last write to the pending or deleting record written to longest ago; 0 while none is',
      registers: [registry],
      async collect() {
        const { oldestUnsettledUpdate } = await read();
        this.set(oldestUnsettledUpdate ? oldestUnsettledUpdate.getTime() / 1000 : 0);
      },
    });
  }
}
