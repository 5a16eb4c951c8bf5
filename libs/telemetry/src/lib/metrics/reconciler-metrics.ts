import { Counter, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

/** The repairs a reconciler run reports; the same words as its report's fields. */
export const REPAIR_KINDS = ['upserted', 'deleted', 'requeued', 'failed'] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

/** What the reconciler found and repaired: drift between the database and the zone. */
export class ReconcilerMetrics {
  private readonly runs: Counter;
  private readonly repairs: Counter<'kind'>;

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: `${METRIC_PREFIX}reconciler_runs_total`,
      help: 'Reconciler runs that finished',
      registers: [registry],
    });
    this.repairs = new Counter({
      name: `${METRIC_PREFIX}reconciler_repairs_total`,
      help: 'Drift the reconciler repaired, by kind: upserted, deleted, requeued, failed (tried, refused)',
      labelNames: ['kind'],
      registers: [registry],
    });
    // Every kind from the start, so that increase() sees the first repair.
    for (const kind of REPAIR_KINDS) this.repairs.inc({ kind }, 0);
  }

  runFinished(report: Readonly<Record<RepairKind, number>>): void {
    this.runs.inc();
    for (const kind of REPAIR_KINDS) this.repairs.inc({ kind }, report[kind]);
  }
}
