import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric of ours starts with this, so that one query finds them all. */
export const METRIC_PREFIX = 'starchart_';

/**
 * One registry per process (the api or a worker), with Node's own process metrics (heap, event
 * loop delay, GC) beside ours. A registry of its own, not prom-client's global one, so that tests
 * can start several apps in one process without their metrics colliding.
 */
export function createMetricsRegistry(options: { processMetrics: boolean }): Registry {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

/** The Prometheus text exposition of everything in the registry, and its content type. */
export async function renderMetrics(
  registry: Registry,
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
