import { setTimeout as sleep } from 'node:timers/promises';
import { QueryFailedError } from 'typeorm';

/** The MySQL/MariaDB error code of a failed statement (`ER_DUP_ENTRY`, ...), or undefined. */
function driverErrorCode(error: unknown): unknown {
  return error instanceof QueryFailedError && 'code' in error.driverError
    ? error.driverError.code
    : undefined;
}

/** The statement broke a unique index: a row with that key exists, or is being committed. */
export function isDuplicateKey(error: unknown): boolean {
  return driverErrorCode(error) === 'ER_DUP_ENTRY';
}

/**
 * A check-then-insert whose insert was refused while its checks, read again right after, pass:
 * the write that made the insert fail was rolled back meanwhile. Running it again helps.
 */
export class WriteCollisionError extends Error {
  constructor() {
    super('the write collided with a concurrent one that was rolled back');
    this.name = new.target.name;
  }
}

/** Concurrent writes kept colliding with this one, or held its rows too long: nothing was written. */
export class WriteContentionError extends Error {
  readonly retryable = true;

  constructor(options: ErrorOptions) {
    super('concurrent writes to the same rows kept this one from committing', options);
    this.name = new.target.name;
  }
}

export interface CollisionRetries {
  attempts: number;
  /** The pause before attempt n is random, up to this many milliseconds times n. */
  jitterMs: number;
}

/**
 * Runs `work` (one statement, or one transaction) again when it collided with a concurrent
 * write: a deadlock victim, a duplicate key of a row committed meanwhile, a WriteCollisionError.
 * Run again, its checks see the other write. After the last attempt a duplicate key is thrown
 * as it is (the caller knows which key); other collisions, and a lock wait that timed out,
 * become a WriteContentionError.
 */
export async function retryWriteCollisions<T>(
  work: () => Promise<T>,
  { attempts, jitterMs }: CollisionRetries,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = driverErrorCode(error);
      const collided =
        error instanceof WriteCollisionError ||
        code === 'ER_DUP_ENTRY' ||
        code === 'ER_LOCK_DEADLOCK';
      if (collided && attempt < attempts) {
        await sleep(Math.random() * jitterMs * attempt);
        continue;
      }
      if (code === 'ER_DUP_ENTRY') throw error;
      if (collided || code === 'ER_LOCK_WAIT_TIMEOUT')
        throw new WriteContentionError({ cause: error });
      throw error;
    }
  }
}
