import { setTimeout as sleep } from 'node:timers/promises';
import { ScenarioError } from './errors';

/** Monotonic milliseconds. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Calls `probe` every `intervalMs` until it returns a value; ScenarioError after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { intervalMs, timeoutMs }: { intervalMs: number; timeoutMs: number },
): Promise<T> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (nowMs() > deadline) throw new ScenarioError(`${what}: not done within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Runs `task(0..count-1)` with at most `concurrency` at once, like that many clients in a loop. */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, client));
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
