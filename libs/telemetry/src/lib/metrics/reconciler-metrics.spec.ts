import { ReconcilerMetrics } from './reconciler-metrics';
import { createMetricsRegistry, renderMetrics } from './registry';

describe('ReconcilerMetrics', () => {
  const repairs = { upserted: 2, deleted: 1, requeued: 0, failed: 0 };

  it("reports how full the hosted zone was at the worker's last run, and when it looked", async () => {
    const registry = createMetricsRegistry();
    const metrics = new ReconcilerMetrics(registry);
    const before = Date.now() / 1000;
    metrics.runFinished({ ...repairs, zone: { recordSets: 9_001, quota: 10_000 } });
    // A run that could not read the zone leaves the last reading as it was.
    metrics.runFinished({ ...repairs, zone: null });
    const { body } = await renderMetrics(registry);
    expect(body).toMatch(/^starchart_hosted_zone_record_sets 9001$/m);
    expect(body).toMatch(/^starchart_hosted_zone_record_set_quota 10000$/m);
    const checkedAt = Number(
      /^starchart_hosted_zone_checked_timestamp_seconds (\S+)$/m.exec(body)?.[1],
    );
    expect(checkedAt).toBeGreaterThanOrEqual(before);
    expect(checkedAt).toBeLessThanOrEqual(Date.now() / 1000);
    expect(body).toMatch(/^starchart_reconciler_runs_total 2$/m);
    expect(body).toMatch(/^starchart_reconciler_repairs_total\{kind="upserted"\} 4$/m);
  });
});
