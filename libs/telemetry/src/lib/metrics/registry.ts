import { Registry } from 'prom-client';

/** Every metric of ours starts with this, so that one query finds them all. */
export const METRIC_PREFIX = 'starchart_';

/**
 * One registry per process (the api or a worker): its own, not prom-client's global one, so that
 * tests can start several apps in one process without their metrics colliding. Without
 * prom-client's default process metrics: their GC and event-loop observers cost 20 % more CPU per
 * record in `npm run bench -- throughput` (docs/BENCHMARKS.md), ours cost nothing measurable.
 */
export function createMetricsRegistry(): Registry {
  return new Registry();
}

/** The Prometheus text exposition of everything in the registry, and its content type. */
export async function renderMetrics(
  registry: Registry,
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * One read per scrape for the gauges that share it: the first gauge collected reads, the others
 * of the same scrape reuse the answer, and the next scrape reads afresh.
 */
export function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
}
