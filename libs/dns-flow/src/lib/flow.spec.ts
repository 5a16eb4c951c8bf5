import { DNS_FLOW, flowIdFor, parseFlowId } from './flow';
import type { DnsRecordJobData } from './job-data';
import { DNS_QUEUES } from './queues';

const data: DnsRecordJobData = {
  op: 'create',
  recordId: '3f0c1b8e-7a59-4c57-9d0e-2b1f1c9d2a10',
  version: 1,
  username: 'alice',
  name: 'www',
  fqdn: 'www.alice.starchart.test',
  type: 'A',
  value: '192.0.2.10',
  priority: null,
  weight: null,
  port: null,
  ttl: 300,
};

describe('the DNS flow definition', () => {
  it('builds the tree of the design: sync-db-status over add-db-record and check-dns-status over create-dns-record', () => {
    const flow = DNS_FLOW.build(data);
    const shape = (node: { queueName: string; name: string; children?: unknown[] }): unknown => ({
      queue: node.queueName,
      name: node.name,
      children: (node.children ?? []).map((child) => shape(child as typeof node)),
    });
    expect(shape(flow)).toEqual({
      queue: 'sync-db-status',
      name: 'syncDbStatus:www-alice',
      children: [
        { queue: 'add-db-record', name: 'addDbRecord:www-alice', children: [] },
        {
          queue: 'check-dns-status',
          name: 'checkDnsStatus:www-alice',
          children: [
            { queue: 'create-dns-record', name: 'createDnsRecord:www-alice', children: [] },
          ],
        },
      ],
    });
  });

  it('derives job ids from op, record and version, without the ":" BullMQ separates keys with', () => {
    const ids = DNS_FLOW.jobIds(data);
    expect(ids[DNS_QUEUES.syncDbStatus]).toBe(`create-${data.recordId}-v1-sync-db-status`);
    for (const id of Object.values(ids)) expect(id).not.toContain(':');
    expect(DNS_FLOW.jobIds({ ...data, version: 2 })[DNS_QUEUES.addDbRecord]).not.toBe(
      ids[DNS_QUEUES.addDbRecord],
    );
    expect(DNS_FLOW.jobIds({ ...data, op: 'delete' })[DNS_QUEUES.addDbRecord]).not.toBe(
      ids[DNS_QUEUES.addDbRecord],
    );
  });

  it('reads op, record id and version back from a flow id, and nothing from a foreign id', () => {
    const key = { op: 'update' as const, recordId: data.recordId, version: 12 };
    expect(parseFlowId(flowIdFor(key))).toEqual(key);
    expect(parseFlowId('create-abc-v1-add-db-record')).toBeUndefined();
    expect(parseFlowId('rename-abc-v1-sync-db-status')).toBeUndefined();
  });

  it('gives every step retries with exponential backoff and bounded retention', () => {
    for (const step of DNS_FLOW.stepNames) {
      const options = DNS_FLOW.jobOptions(data, step);
      expect(options.attempts).toBeGreaterThan(1);
      expect(options.backoff).toMatchObject({ type: 'exponential' });
      expect(options.removeOnComplete).toEqual({
        age: expect.any(Number),
        count: expect.any(Number),
      });
      expect(options.removeOnFail).toEqual({ age: expect.any(Number), count: expect.any(Number) });
    }
  });

  it('lets every parent run after a child failed for good, so the root always writes a status', () => {
    const flow = DNS_FLOW.build(data);
    const children = flow.children ?? [];
    const grandchildren = children.flatMap((child) => child.children ?? []);
    expect(flow.opts?.ignoreDependencyOnFailure).toBeUndefined();
    for (const child of [...children, ...grandchildren]) {
      expect(child.opts).toMatchObject({ ignoreDependencyOnFailure: true });
      expect(child.opts?.failParentOnFailure).toBeUndefined();
    }
  });
});
