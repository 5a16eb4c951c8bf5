import { flowJobOptions, type FlowNodePolicy } from './job-options';

const node: FlowNodePolicy = {
  jobId: 'create-abc-v1-add-db-record',
  retry: { attempts: 5, firstRetryMs: 1_000 },
  retention: { completed: { age: 60, count: 10 }, failed: { age: 600, count: 100 } },
  isRoot: false,
};

describe('flowJobOptions', () => {
  it('turns a retry policy into attempts with exponential backoff, and applies the retention', () => {
    expect(flowJobOptions(node)).toMatchObject({
      jobId: 'create-abc-v1-add-db-record',
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 60, count: 10 },
      removeOnFail: { age: 600, count: 100 },
    });
  });

  it('lets the parent of a child that failed for good still run, so the root always runs', () => {
    expect(flowJobOptions(node).ignoreDependencyOnFailure).toBe(true);
    expect(flowJobOptions({ ...node, isRoot: true }).ignoreDependencyOnFailure).toBeUndefined();
  });
});
