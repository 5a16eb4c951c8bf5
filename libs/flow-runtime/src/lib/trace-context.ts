import { context, propagation } from '@opentelemetry/api';
import type { FlowJob } from 'bullmq';

/**
 * The active trace context as BullMQ's telemetry stores it in a job (`opts.telemetry.metadata`);
 * undefined when there is none: tracing off (the API is a no-op then) or no span active.
 */
export function activeTraceMetadata(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? JSON.stringify(carrier) : undefined;
}

/**
 * The flow with every node's jobs parented to the trace of `metadata`. Flows added together in one
 * `addBulk` would otherwise all join the trace of whichever caller's turn sent the batch.
 */
export function withTraceMetadata(flow: FlowJob, metadata: string): FlowJob {
  return {
    ...flow,
    opts: { ...flow.opts, telemetry: { ...flow.opts?.telemetry, metadata } },
    ...(flow.children && {
      children: flow.children.map((child) => withTraceMetadata(child, metadata)),
    }),
  };
}
