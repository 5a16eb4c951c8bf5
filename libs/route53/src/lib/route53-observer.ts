/** The Route 53 operations Starchart calls, as their SDK commands name them. */
export type Route53Operation =
  | 'ChangeResourceRecordSets'
  | 'GetChange'
  | 'ListResourceRecordSets'
  | 'GetHostedZone'
  | 'GetHostedZoneLimit';

/** How one request ended: answered, refused for the rate, or any other error. */
export type Route53CallOutcome = 'ok' | 'throttled' | 'error';

/**
 * What the client reports as it works, for metrics. The app passes an implementation (the
 * worker's Prometheus metrics); without one nothing is measured.
 */
export interface Route53Observer {
  /** One request to Route 53 (every attempt, retries included) and its duration. */
  called(operation: Route53Operation, outcome: Route53CallOutcome, seconds: number): void;
  /** One ChangeResourceRecordSets call of this many changes. */
  batchSent(changes: number): void;
  /** The time a request waited for its slot of the shared rate limit. */
  rateLimitWaited(seconds: number): void;
}

export const UNOBSERVED: Route53Observer = {
  called: () => undefined,
  batchSent: () => undefined,
  rateLimitWaited: () => undefined,
};
