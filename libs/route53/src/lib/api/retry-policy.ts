import { setTimeout as sleep } from 'node:timers/promises';
import { toRoute53Error } from '../errors';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** At most about 11 s of backoff in all: long enough to ride out a throttling burst. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
};

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or runs out of
 * attempts; then rejects with the last error, as a Route53Error.
 */
export async function withRetries<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt();
    } catch (thrown) {
      const error = toRoute53Error(thrown);
      if (!error.retryable || attemptNumber >= policy.maxAttempts) throw error;
      await sleep(backoffDelay(policy, attemptNumber));
    }
  }
}

/** "Full jitter": spreads the retries of many callers over the whole window instead of in waves. */
export function backoffDelay(policy: RetryPolicy, attemptNumber: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
  return Math.random() * ceiling;
}
