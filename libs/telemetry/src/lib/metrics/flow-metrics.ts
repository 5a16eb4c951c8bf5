import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry';

/** How flows end (their root job's outcome) and how long a new record waits to be active. */
export class FlowMetrics {
  private readonly recordFlows: Counter<'op' | 'outcome'>;
  private readonly acmeOrders: Counter<'op' | 'outcome'>;
  private readonly activation: Histogram<'op'>;

  constructor(registry: Registry) {
    this.recordFlows = new Counter({
      name: `${METRIC_PREFIX}record_flows_total`,
      help: 'DNS record flows that ended, by operation and outcome (active, error, deleted, superseded, gone)',
      labelNames: ['op', 'outcome'],
      registers: [registry],
    });
    this.acmeOrders = new Counter({
      name: `${METRIC_PREFIX}acme_orders_total`,
      help: 'Certificate flows (ACME orders) that ended, by operation (issue, renew) and outcome (issued, failed, gone)',
      labelNames: ['op', 'outcome'],
      registers: [registry],
    });
    this.activation = new Histogram({
      name: `${METRIC_PREFIX}record_activation_seconds`,
      help: 'From the api adding a record flow (right after the POST or PUT committed) to the record being active',
      labelNames: ['op'],
      // Route 53 takes about 60 s to reach INSYNC; the emulator far less.
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 90, 120, 300, 600],
      registers: [registry],
    });
  }

  recordFlowEnded(op: string, outcome: string, secondsSinceAdded: number): void {
    this.recordFlows.inc({ op, outcome });
    if (outcome === 'active') this.activation.observe({ op }, secondsSinceAdded);
  }

  acmeOrderEnded(op: string, outcome: string): void {
    this.acmeOrders.inc({ op, outcome });
  }
}
