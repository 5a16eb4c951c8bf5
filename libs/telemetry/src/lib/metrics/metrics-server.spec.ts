import { CertificateMetrics } from './certificate-metrics';
import { MetricsServer } from './metrics-server';
import { createMetricsRegistry } from './registry';

describe('MetricsServer', () => {
  it('serves the metrics at its path, the health check at /health and nothing else', async () => {
    const registry = createMetricsRegistry();
    let reads = 0;
    new CertificateMetrics(registry, async () => {
      reads += 1;
      return {
        earliestExpiry: new Date('2027-01-02T03:04:05Z'),
        failedRenewals: 2,
        failedRevocations: 1,
        queued: 20,
        oldestQueuedAt: new Date('2026-09-01T08:00:00Z'),
      };
    });
    let healthy = true;
    const server = await MetricsServer.listen({
      registry,
      host: '127.0.0.1',
      port: 0,
      path: '/private/metrics',
      health: async () => ({ ok: healthy, report: { workers: healthy ? 1 : 0 } }),
    });
    try {
      const metrics = await fetch(`${server.url}/private/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      expect(text).toMatch(/^starchart_certificate_earliest_expiry_timestamp_seconds 1798859045$/m);
      expect(text).toMatch(/^starchart_certificate_renewals_failing 2$/m);
      expect(text).toMatch(/^starchart_certificate_revocations_failed 1$/m);
      expect(text).toMatch(/^starchart_certificates_queued 20$/m);
      expect(text).toMatch(/^starchart_certificate_queue_oldest_timestamp_seconds 1788249600$/m);
      // Every gauge comes from one read of the database per scrape.
      expect(reads).toBe(1);

      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      healthy = false;
      const sick = await fetch(`${server.url}/health`);
      expect(sick.status).toBe(503);
      expect(await sick.json()).toEqual({ status: 'error', workers: 0 });
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${server.url}/private/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('reports an expiry of 0 while no certificate is stored', async () => {
    const registry = createMetricsRegistry();
    new CertificateMetrics(registry, async () => ({
      earliestExpiry: null,
      failedRenewals: 0,
      failedRevocations: 0,
      queued: 0,
      oldestQueuedAt: null,
    }));
    const text = await registry.metrics();
    expect(text).toMatch(/^starchart_certificate_earliest_expiry_timestamp_seconds 0$/m);
    expect(text).toMatch(/^starchart_certificate_renewals_failing 0$/m);
    expect(text).toMatch(/^starchart_certificate_queue_oldest_timestamp_seconds 0$/m);
  });
});
