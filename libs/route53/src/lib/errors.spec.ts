import { InvalidChangeBatch, Route53ServiceException } from '@aws-sdk/client-route-53';
import {
  ChangeNotFoundError,
  classifyRefusedChange,
  InvalidChangeError,
  RecordSetExistsError,
  RecordSetNotFoundError,
  Route53AccessDeniedError,
  Route53Error,
  Route53ThrottledError,
  Route53UnavailableError,
  toRoute53Error,
} from './errors';

function serviceError(name: string, status: number, message = 'reason'): Route53ServiceException {
  return new Route53ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
}

describe('toRoute53Error', () => {
  it.each([
    ['Throttling', 400],
    ['PriorRequestNotComplete', 400],
    ['ThrottlingException', 400],
  ])('retries %s as throttling', (code, status) => {
    const error = toRoute53Error(serviceError(code, status));
    expect(error).toBeInstanceOf(Route53ThrottledError);
    expect(error).toMatchObject({ code, retryable: true });
  });

  it('retries 5xx answers as unavailable', () => {
    const error = toRoute53Error(serviceError('InternalFailure', 500));
    expect(error).toBeInstanceOf(Route53UnavailableError);
    expect(error.retryable).toBe(true);
  });

  it('retries timeouts and refused connections as unavailable', () => {
    const timeout = Object.assign(new Error('request timed out'), { name: 'TimeoutError' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toRoute53Error(timeout)).toBeInstanceOf(Route53UnavailableError);
    expect(toRoute53Error(refused)).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
  });

  it.each(['AccessDenied', 'InvalidClientTokenId', 'NoSuchHostedZone', 'SignatureDoesNotMatch'])(
    'fails fast on %s',
    (code) => {
      const error = toRoute53Error(serviceError(code, 403));
      expect(error).toBeInstanceOf(Route53AccessDeniedError);
      expect(error.retryable).toBe(false);
    },
  );

  it("keeps Route 53's reason for a refused change, without the list brackets", () => {
    const error = toRoute53Error(
      new InvalidChangeBatch({
        message: '[RRSet with DNS name a.test. is not permitted in zone b.test.]',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(error).toBeInstanceOf(InvalidChangeError);
    expect(error).toMatchObject({
      code: 'InvalidChangeBatch',
      retryable: false,
      message: 'RRSet with DNS name a.test. is not permitted in zone b.test.',
    });
  });

  it('prefers the Messages list of an InvalidChangeBatch when Route 53 sends one', () => {
    const error = toRoute53Error(
      new InvalidChangeBatch({
        message: 'Invalid change batch',
        messages: ['first reason', 'second reason'],
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(error.message).toBe('first reason; second reason');
  });

  it('reports an unknown change id as not found, not retryable', () => {
    const error = toRoute53Error(serviceError('NoSuchChange', 404));
    expect(error).toBeInstanceOf(ChangeNotFoundError);
    expect(error.retryable).toBe(false);
  });

  it('keeps an error that is already typed', () => {
    const typed = new Route53ThrottledError('slow down', 'Throttling');
    expect(toRoute53Error(typed)).toBe(typed);
  });

  it('does not retry what it does not recognise', () => {
    const error = toRoute53Error(new Error('something else'));
    expect(error).toBeInstanceOf(Route53Error);
    expect(error.retryable).toBe(false);
  });
});

describe('classifyRefusedChange', () => {
  it('tells a DELETE of a missing record set from a CREATE of an existing one', () => {
    const missing = new InvalidChangeError(
      "Tried to delete resource record set [name='a.test.', type='A'] but it was not found",
      'InvalidChangeBatch',
    );
    const existing = new InvalidChangeError(
      "Tried to create resource record set [name='a.test.', type='A'] but it already exists",
      'InvalidChangeBatch',
    );
    const other = new InvalidChangeError('FATAL problem: bad value', 'InvalidChangeBatch');
    expect(classifyRefusedChange(missing)).toBeInstanceOf(RecordSetNotFoundError);
    expect(classifyRefusedChange(existing)).toBeInstanceOf(RecordSetExistsError);
    expect(classifyRefusedChange(other)).toBe(other);
    expect(classifyRefusedChange(missing).message).toBe(missing.message);
  });
});
