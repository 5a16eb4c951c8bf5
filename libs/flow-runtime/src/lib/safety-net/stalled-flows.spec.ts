import type { StepState } from '../job-progress';
import type { FlowState } from './broken-flows';
import { resumeIfStalled, resumeStalledRows, type StalledFlowRules } from './stalled-flows';

interface Row {
  id: string;
  flowId: string | null;
  updatedAt: Date;
  resumes: number;
}

const NOW = new Date('2026-12-07T12:00:00.000Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);

/** Rules over a table of flow states, recording what they were asked to do. */
function rules(states: Record<string, FlowState>, max?: number) {
  const resumed: string[] = [];
  const removed: string[] = [];
  const walked: string[] = [];
  const givenUp: { id: string; reason: string }[] = [];
  const stalled: StalledFlowRules<Row> = {
    graceMs: 60_000,
    // A broken flow's root waits for its children; only the walk tells it apart.
    stateOf: (row) => {
      const state = states[row.id] ?? 'unknown';
      return Promise.resolve(state === 'broken' ? 'waiting-children' : state);
    },
    isBroken: (row) => {
      walked.push(row.id);
      return Promise.resolve(states[row.id] === 'broken');
    },
    removeBroken: (row) => {
      removed.push(row.id);
      return Promise.resolve();
    },
    resume: (row) => {
      resumed.push(row.id);
      return Promise.resolve(row.flowId !== null);
    },
    ...(max === undefined
      ? {}
      : {
          bound: {
            max,
            resumesOf: (row: Row) => row.resumes,
            giveUp: (row: Row, reason: string) => {
              givenUp.push({ id: row.id, reason });
              return Promise.resolve();
            },
          },
        }),
  };
  return { stalled, resumed, givenUp, removed, walked };
}

const row = (id: string, fields: Partial<Row> = {}): Row => ({
  id,
  flowId: `flow-${id}`,
  updatedAt: ago(120_000),
  resumes: 0,
  ...fields,
});

describe('resumeIfStalled', () => {
  it.each<StepState>(['waiting', 'waiting-children', 'delayed', 'active', 'prioritized'])(
    'leaves a row alone whose flow is %s, however old',
    async (state) => {
      const { stalled, resumed } = rules({ a: state }, 0);
      await expect(
        resumeIfStalled(row('a', { updatedAt: ago(86_400_000) }), NOW, stalled),
      ).resolves.toBe('live');
      expect(resumed).toEqual([]);
    },
  );

  it('leaves a row without a live flow alone within the grace period', async () => {
    const { stalled, resumed } = rules({});
    await expect(resumeIfStalled(row('a', { updatedAt: ago(59_999) }), NOW, stalled)).resolves.toBe(
      'young',
    );
    expect(resumed).toEqual([]);
  });

  it.each<StepState>(['unknown', 'failed', 'completed'])(
    'resumes a row past the grace period whose flow is %s',
    async (state) => {
      const { stalled, resumed } = rules({ a: state });
      await expect(resumeIfStalled(row('a'), NOW, stalled)).resolves.toBe('resumed');
      expect(resumed).toEqual(['a']);
    },
  );

  it('reports a row its rules cannot resume', async () => {
    const { stalled } = rules({});
    await expect(resumeIfStalled(row('a', { flowId: null }), NOW, stalled)).resolves.toBe(
      'unresumable',
    );
  });

  it('resumes below the bound and gives up at it, with the count in the reason', async () => {
    const { stalled, resumed, givenUp } = rules({}, 3);
    await expect(resumeIfStalled(row('a', { resumes: 2 }), NOW, stalled)).resolves.toBe('resumed');
    await expect(resumeIfStalled(row('b', { resumes: 3 }), NOW, stalled)).resolves.toBe('gave-up');
    expect(resumed).toEqual(['a']);
    expect(givenUp).toEqual([{ id: 'b', reason: expect.stringContaining('was resumed 3 times') }]);
  });

  it('leaves a broken flow alone within the grace period, without walking its tree', async () => {
    const { stalled, resumed, removed, walked } = rules({ a: 'broken' });
    await expect(resumeIfStalled(row('a', { updatedAt: ago(59_999) }), NOW, stalled)).resolves.toBe(
      'live',
    );
    expect({ resumed, removed, walked }).toEqual({ resumed: [], removed: [], walked: [] });
  });

  it('walks only the tree of a root waiting for children', async () => {
    const { stalled, walked } = rules({ a: 'waiting-children', b: 'active', c: 'delayed' });
    for (const id of ['a', 'b', 'c'])
      await expect(resumeIfStalled(row(id), NOW, stalled)).resolves.toBe('live');
    expect(walked).toEqual(['a']);
  });

  it('removes a broken flow past the grace period, then resumes the row', async () => {
    const { stalled, resumed, removed } = rules({ a: 'broken', b: 'broken' });
    await expect(resumeIfStalled(row('a'), NOW, stalled)).resolves.toBe('repaired');
    await expect(resumeIfStalled(row('b', { flowId: null }), NOW, stalled)).resolves.toBe(
      'unresumable',
    );
    expect({ resumed, removed }).toEqual({ resumed: ['a', 'b'], removed: ['a', 'b'] });
  });

  it('removes a broken flow at the bound too, and gives the row up', async () => {
    const { stalled, resumed, removed, givenUp } = rules({ a: 'broken', b: 'broken' }, 3);
    await expect(resumeIfStalled(row('a', { resumes: 2 }), NOW, stalled)).resolves.toBe('repaired');
    await expect(resumeIfStalled(row('b', { resumes: 3 }), NOW, stalled)).resolves.toBe('gave-up');
    expect({ resumed, removed }).toEqual({ resumed: ['a'], removed: ['a', 'b'] });
    expect(givenUp).toEqual([{ id: 'b', reason: expect.stringContaining('was resumed 3 times') }]);
  });

  it('keeps resuming without a bound, however often it did', async () => {
    const { stalled, resumed } = rules({});
    await expect(resumeIfStalled(row('a', { resumes: 1_000 }), NOW, stalled)).resolves.toBe(
      'resumed',
    );
    expect(resumed).toEqual(['a']);
  });
});

describe('resumeStalledRows', () => {
  it('tallies every row and goes on past one that fails', async () => {
    const { stalled } = rules({ live: 'active', repairable: 'broken' }, 1);
    const failing: StalledFlowRules<Row> = {
      ...stalled,
      resume: (r) => (r.id === 'broken' ? Promise.reject(new Error('Redis')) : stalled.resume(r)),
    };
    const errors: string[] = [];
    const tally = await resumeStalledRows(
      [
        row('live'),
        row('young', { updatedAt: ago(1_000) }),
        row('broken'),
        row('lost'),
        row('spent', { resumes: 1 }),
        row('repairable'),
      ],
      NOW,
      failing,
      (r) => errors.push(r.id),
    );
    expect(tally).toEqual({
      live: 1,
      young: 1,
      resumed: 1,
      repaired: 1,
      'gave-up': 1,
      unresumable: 0,
      errors: 1,
    });
    expect(errors).toEqual(['broken']);
  });
});
