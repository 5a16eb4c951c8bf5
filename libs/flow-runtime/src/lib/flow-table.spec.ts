import { FlowDefinition, pollDelay, workerOptionsFor, type StepRow } from './flow-table';
import { HOUR_S } from './job-options';

type Step = 'root' | 'left' | 'right' | 'leaf';

const retention = {
  completed: { age: HOUR_S, count: 10 },
  failed: { age: HOUR_S, count: 10 },
};

function row(children: readonly Step[]): StepRow<Step> {
  return {
    jobName: 'job',
    concurrency: 2,
    locks: 'shared',
    retention,
    children,
    retry: { attempts: 3, firstRetryMs: 100 },
    poll: null,
  };
}

const flow = new FlowDefinition<
  Step,
  { id: string; version: number },
  { id: string; version: number }
>({
  label: 'test flow',
  root: 'root',
  steps: {
    root: row(['left', 'right']),
    left: row([]),
    right: { ...row(['leaf']), jobName: 'rightJob' },
    leaf: { ...row([]), locks: { lockDurationMs: 1, stalledIntervalMs: 2, maxStalledCount: 3 } },
  },
  keyOf: ({ id, version }) => ({ id, version }),
  formatKey: ({ id, version }) => `op-${id}-v${version}`,
  parseKey: (text) => {
    const match = /^op-(.+)-v(\d+)$/.exec(text);
    return match?.[1] && match[2] ? { id: match[1], version: Number(match[2]) } : undefined;
  },
  jobLabel: ({ id }) => id,
});

describe('a flow declared as a table', () => {
  it('orders its steps root first, each before its children', () => {
    expect(flow.stepNames).toEqual(['root', 'left', 'right', 'leaf']);
  });

  it('derives one job id per step, and reads the key back from the root id only', () => {
    const key = { id: 'a-b-c', version: 7 };
    expect(flow.jobIds(key)).toEqual({
      root: 'op-a-b-c-v7-root',
      left: 'op-a-b-c-v7-left',
      right: 'op-a-b-c-v7-right',
      leaf: 'op-a-b-c-v7-leaf',
    });
    expect(flow.parseFlowId(flow.flowId(key))).toEqual(key);
    expect(flow.parseFlowId('op-a-b-c-v7-left')).toBeUndefined();
    expect(flow.parseFlowId('other-a-v7-root')).toBeUndefined();
  });

  it('builds the tree with each row’s name and options; only the root waits for failed children', () => {
    const tree = flow.build({ id: 'x', version: 1 });
    expect(tree).toMatchObject({
      queueName: 'root',
      name: 'job:x',
      opts: { jobId: 'op-x-v1-root', attempts: 3 },
      children: [
        { queueName: 'left', opts: { ignoreDependencyOnFailure: true } },
        { queueName: 'right', name: 'rightJob:x', children: [{ queueName: 'leaf' }] },
      ],
    });
    expect(tree.opts?.ignoreDependencyOnFailure).toBeUndefined();
  });

  it('refuses a table whose steps do not form one tree', () => {
    expect(
      () =>
        new FlowDefinition<Step, string, string>({
          ...flow.table,
          steps: { ...flow.table.steps, right: row([]) },
          keyOf: (data) => data,
          formatKey: (key) => key,
          parseKey: (text) => text,
          jobLabel: (data) => data,
        }),
    ).toThrow('steps outside the tree: leaf');
  });

  it('gives every queue the shared locks unless its row says otherwise', () => {
    expect(workerOptionsFor(flow.table.steps.left)).toEqual({
      autorun: false,
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 5,
    });
    expect(workerOptionsFor(flow.table.steps.leaf)).toMatchObject({
      lockDuration: 1,
      stalledInterval: 2,
      maxStalledCount: 3,
    });
  });

  it('polls at a quarter of the time waited, within the bounds', () => {
    const poll = { minMs: 250, maxMs: 2_000 };
    expect(pollDelay(0, poll)).toBe(250);
    expect(pollDelay(4_000, poll)).toBe(1_000);
    expect(pollDelay(60_000, poll)).toBe(2_000);
  });
});
