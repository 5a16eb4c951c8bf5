import type { Job, Queue } from 'bullmq';
import type { StepState } from '../job-progress';

/**
 * A flow's state as a safety net judges it: its root job's, or 'broken' when the root waits for
 * children and one job of its tree waits for a child job that Redis no longer has.
 */
export type FlowState = StepState | 'broken';

/** The producer's handles on a library's queues (a FlowQueues), looked up by a queue's name. */
export interface QueuesByName {
  /** undefined for a queue that is not the library's. */
  find(name: string): Queue | undefined;
}

/**
 * The state of the flow whose root job is `flowId` in `rootQueue`: 'unknown' when the row has no
 * flow or Redis has no such root. A root in waiting-children has its tree walked (every job of
 * it in waiting-children, through its unprocessed children): it is 'broken' when one of them
 * depends on a child whose job is gone. That is definitive: BullMQ takes a child out of its
 * parent's dependencies in the same script that finishes or removes it, so a dependency without
 * its job was lost outside BullMQ (a Redis crash, a partial restore, a key deleted by hand), and
 * the parent would wait for it forever.
 */
export async function flowState(
  rootQueue: Queue,
  flowId: string | null,
  queues: QueuesByName,
): Promise<FlowState> {
  if (!flowId) return 'unknown';
  const root = await rootQueue.getJob(flowId);
  if (!root) return 'unknown';
  const state: StepState = await root.getState();
  if (state !== 'waiting-children') return state;
  return (await lostDependency(root, queues)) === undefined ? state : 'broken';
}

/**
 * The key (`<prefix>:<queue>:<id>`) of a child that `parent` or one of its descendants waiting
 * for children still depends on, but whose job is gone from Redis; undefined when there is none.
 * A dependency in another prefix or in a queue that is not the library's is not judged.
 */
export async function lostDependency(
  parent: Job,
  queues: QueuesByName,
): Promise<string | undefined> {
  const { unprocessed = [] } = await parent.getDependencies();
  for (const key of unprocessed) {
    const ref = parseJobKey(key, parent.prefix);
    const queue = ref && queues.find(ref.queueName);
    if (!ref || !queue) continue;
    const child = await queue.getJob(ref.jobId);
    if (!child) {
      // Read again after the child: a child that finished (and was removed by retention) since
      // the first read has also left its parent's dependencies.
      const { unprocessed: still = [] } = await parent.getDependencies();
      if (still.includes(key)) return key;
      continue;
    }
    if ((await child.getState()) !== 'waiting-children') continue;
    const lost = await lostDependency(child, queues);
    if (lost !== undefined) return lost;
  }
  return undefined;
}

/** Removes the flow's root job and every job of its tree (BullMQ refuses while one is active). */
export async function removeFlowTree(rootQueue: Queue, flowId: string | null): Promise<void> {
  if (!flowId) return;
  const root = await rootQueue.getJob(flowId);
  await root?.remove({ removeChildren: true });
}

/** A job's Redis key split into its queue's name and its id; undefined for another prefix. */
export function parseJobKey(
  key: string,
  prefix: string,
): { queueName: string; jobId: string } | undefined {
  if (!key.startsWith(`${prefix}:`)) return undefined;
  const rest = key.slice(prefix.length + 1);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { queueName: rest.slice(0, colon), jobId: rest.slice(colon + 1) };
}
