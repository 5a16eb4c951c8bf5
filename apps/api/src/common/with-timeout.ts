import { setTimeout as sleep } from 'node:timers/promises';

export class TimeoutError extends Error {}

/** Settles like `work`, or rejects with TimeoutError after `ms`; `work` itself is not cancelled. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const abort = new AbortController();
  const timeout = sleep(ms, undefined, { signal: abort.signal }).then(() => {
    throw new TimeoutError(`${what}: no answer within ${ms} ms`);
  });
  // The losing timer is aborted below; its rejection must not surface as unhandled.
  timeout.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    abort.abort();
  }
}
