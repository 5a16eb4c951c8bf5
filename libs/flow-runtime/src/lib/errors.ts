import { UnrecoverableError } from 'bullmq';

/** A failure of a flow step that knows whether another attempt could succeed. */
export abstract class FlowError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

function isPermanent(error: unknown): error is Error & { retryable: false } {
  return error instanceof Error && 'retryable' in error && error.retryable === false;
}

/**
 * What a processor throws: UnrecoverableError fails the job at once, skipping its remaining
 * attempts; anything else goes through the job's exponential backoff.
 */
export function toJobFailure(error: unknown): Error {
  if (isPermanent(error)) return new UnrecoverableError(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/** A step this one depends on failed for good; its reason goes on unchanged to the root. */
export class DependencyFailedError extends FlowError {
  readonly retryable = false;
}

/** A job whose payload or child result this code cannot read. */
export class MalformedJobError extends FlowError {
  readonly retryable = false;
}
