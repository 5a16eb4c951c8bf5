import { UnrecoverableError } from 'bullmq';
import { FlowError, toJobFailure } from './errors';

class PermanentError extends FlowError {
  readonly retryable = false;
}

class TransientError extends FlowError {
  readonly retryable = true;
}

describe('toJobFailure', () => {
  it('fails the job at once when the error is not retryable', () => {
    const failure = toJobFailure(new PermanentError('refused'));
    expect(failure).toBeInstanceOf(UnrecoverableError);
    expect(failure.message).toBe('refused');
  });

  it('leaves a retryable error to the backoff unchanged', () => {
    const error = new TransientError('busy');
    expect(toJobFailure(error)).toBe(error);
  });

  it('leaves an error that does not say to the backoff, and wraps what is not an Error', () => {
    const error = new Error('connection reset');
    expect(toJobFailure(error)).toBe(error);
    const wrapped = toJobFailure('timeout');
    expect(wrapped).not.toBeInstanceOf(UnrecoverableError);
    expect(wrapped.message).toBe('timeout');
  });

  it('names a flow error after its class', () => {
    expect(new PermanentError('refused').name).toBe('PermanentError');
  });
});
