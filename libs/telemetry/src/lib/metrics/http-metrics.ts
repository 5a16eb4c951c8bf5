import { Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

export interface HttpRequestObservation {
  method: string;
  /** The route template (`/api/v1/records/:id`), never the raw path: ids would explode the series. */
  route: string;
  status: number;
  seconds: number;
}

/** How long the api takes to answer, by route template, method and status. */
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time from the request arriving to the response finishing, by route template, method and status',
      labelNames: ['method', 'route', 'status'],
      // From a cached read (a few ms) to a create that waits on Redis (its 5 s timeout).
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  observe({ method, route, status, seconds }: HttpRequestObservation): void {
    this.duration.observe({ method, route, status: String(status) }, seconds);
  }
}
