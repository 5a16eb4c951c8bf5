import type { FlowJob } from 'bullmq';
import { activeTraceMetadata, withTraceMetadata } from './trace-context';

describe('trace context for flows', () => {
  it('has no trace to give while tracing is off', () => {
    expect(activeTraceMetadata()).toBeUndefined();
  });

  it('parents every node of a flow to the given trace, keeping their other options', () => {
    const flow: FlowJob = {
      name: 'root',
      queueName: 'sync-db-status',
      opts: { jobId: 'root-1', attempts: 3 },
      children: [
        { name: 'a', queueName: 'add-db-record' },
        {
          name: 'b',
          queueName: 'check-dns-status',
          children: [{ name: 'c', queueName: 'create-dns-record', opts: { jobId: 'c-1' } }],
        },
      ],
    };
    const metadata = JSON.stringify({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const traced = withTraceMetadata(flow, metadata);
    const nodes: FlowJob[] = [];
    const walk = (node: FlowJob): void => {
      nodes.push(node);
      node.children?.forEach(walk);
    };
    walk(traced);
    expect(nodes.map((node) => node.opts?.telemetry?.metadata)).toEqual(Array(4).fill(metadata));
    expect(traced.opts).toMatchObject({ jobId: 'root-1', attempts: 3 });
    expect(traced.children?.[1]?.children?.[0]?.opts?.jobId).toBe('c-1');
    // The caller's flow is left as it was.
    expect(flow.opts?.telemetry).toBeUndefined();
  });
});
