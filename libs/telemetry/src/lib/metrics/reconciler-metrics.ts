import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

/** The repairs a reconciler run reports; the same words as its report's fields. */
export const REPAIR_KINDS = ['upserted', 'deleted', 'requeued', 'failed'] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

/** The hosted zone's record sets and quota as a run read them (GetHostedZoneLimit). */
export interface ZoneReading {
  recordSets: number;
  quota: number;
}

/**
 * What the reconciler found and repaired: drift between the database and the zone, and how full
 * the zone is (each worker reports the last reading it took, with its time).
 */
export class ReconcilerMetrics {
  private readonly runs: Counter;
  private readonly repairs: Counter<'kind'>;
  private readonly zoneRecordSets: Gauge;
  private readonly zoneQuota: Gauge;
  private readonly zoneCheckedAt: Gauge;

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
    this.zoneRecordSets = new Gauge({
      name: `${METRIC_PREFIX}hosted_zone_record_sets`,
      help: "Record sets in the hosted zone, its SOA and NS included, at this worker's last reconcile run",
      registers: [registry],
    });
    this.zoneQuota = new Gauge({
      name: `${METRIC_PREFIX}hosted_zone_record_set_quota`,
      help: "Record sets the hosted zone may hold (Route 53's MAX_RRSETS_BY_ZONE), at the same run",
      registers: [registry],
    });
    this.zoneCheckedAt = new Gauge({
      name: `${METRIC_PREFIX}hosted_zone_checked_timestamp_seconds`,
      help: 'When this worker last read the hosted zone record sets and quota (Unix time)',
      registers: [registry],
    });
  }

  runFinished(
    report: Readonly<Record<RepairKind, number>> & { zone?: ZoneReading | null | undefined },
  ): void {
    this.runs.inc();
    for (const kind of REPAIR_KINDS) this.repairs.inc({ kind }, report[kind]);
    if (!report.zone) return;
    this.zoneRecordSets.set(report.zone.recordSets);
    this.zoneQuota.set(report.zone.quota);
    this.zoneCheckedAt.set(Date.now() / 1000);
  }
}
