import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import {
  AuthenticationError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  QuotaExceededError,
  ZoneFullError,
  RateLimitedError,
  RecordBusyError,
  RecordConflictError,
  RecordNotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from './api-errors';
import { toProblem } from './problem';

describe('problem mapping', () => {
  it.each([
    [
      new InvalidInputError([{ field: 'ttl', message: 'must be at least 60 seconds' }]),
      400,
      'invalid-input',
      false,
    ],
    [
      new AuthenticationError('The token has expired; get a new one.', true),
      401,
      'unauthenticated',
      false,
    ],
    [new RecordNotFoundError('42'), 404, 'record-not-found', false],
    [
      new RecordConflictError('You already have an A record for www.alice.example.com.'),
      409,
      'record-conflict',
      false,
    ],
    [new RecordBusyError('still running'), 409, 'record-busy', true],
    [new QuotaExceededError(10), 409, 'quota-exceeded', false],
    [new ZoneFullError(10_000, 10_000), 409, 'zone-full', false],
    [new UnsupportedMediaTypeError('send JSON'), 415, 'unsupported-media-type', false],
    [new IdempotencyKeyReusedError(), 422, 'idempotency-key-reused', false],
    [new RateLimitedError(120, 7), 429, 'rate-limited', true],
    [new ServiceUnavailableError('queue down'), 503, 'service-unavailable', true],
  ])('maps %p to %i', (error, status, kind, retryable) => {
    const { problem, unexpected } = toProblem(error);
    expect(problem).toMatchObject({
      type: `urn:starchart:problem:${kind}`,
      status,
      retryable,
      detail: error.detail,
      title: error.title,
    });
    expect(unexpected).toBe(false);
  });

  it('lists the offending fields', () => {
    const { problem } = toProblem(
      new InvalidInputError([
        { field: 'name', message: 'must not be empty' },
        { field: 'ttl', message: 'must be at least 60 seconds' },
      ]),
    );
    expect(problem.errors).toEqual([
      { field: 'name', message: 'must not be empty' },
      { field: 'ttl', message: 'must be at least 60 seconds' },
    ]);
    expect(problem.detail).toBe('2 fields are not valid: name, ttl');
  });

  it('says where a single invalid field is in the detail', () => {
    const { problem } = toProblem(
      new InvalidInputError([{ field: 'ttl', message: 'must be at least 60 seconds' }]),
    );
    expect(problem.detail).toBe('ttl: must be at least 60 seconds');
  });

  it('adds WWW-Authenticate to 401s, with an error code only when a token was sent', () => {
    expect(toProblem(new AuthenticationError('Send a bearer token.', false)).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="starchart"',
    });
    expect(
      toProblem(new AuthenticationError('The token signature is not valid.', true)).headers,
    ).toEqual({
      'WWW-Authenticate':
        'Bearer realm="starchart", error="invalid_token", error_description="The token signature is not valid."',
    });
  });

  it('adds Retry-After to 429 and 503', () => {
    expect(toProblem(new RateLimitedError(120, 7)).headers).toEqual({ 'Retry-After': '7' });
    expect(toProblem(new ServiceUnavailableError('down', 3)).headers).toEqual({
      'Retry-After': '3',
    });
  });

  it('maps malformed JSON, oversized bodies and unknown routes from the framework', () => {
    const malformed = new BadRequestException('Unexpected token', {
      cause: new SyntaxError('Unexpected token } in JSON at position 9'),
    });
    expect(toProblem(malformed).problem).toMatchObject({
      status: 400,
      type: 'urn:starchart:problem:malformed-json',
      detail: 'The body could not be parsed as JSON: Unexpected token } in JSON at position 9',
    });
    expect(toProblem(new HttpException('request entity too large', 413)).problem).toMatchObject({
      status: 413,
      type: 'urn:starchart:problem:payload-too-large',
    });
    expect(toProblem(new NotFoundException('Cannot GET /nope')).problem).toMatchObject({
      status: 404,
      type: 'urn:starchart:problem:route-not-found',
    });
  });

  it('keeps other client errors of the framework generic', () => {
    expect(toProblem(new HttpException('secret detail', 405)).problem).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'Method Not Allowed',
      retryable: false,
      errors: [],
    });
  });

  it('hides unexpected errors behind a bare 500', () => {
    const mapped = toProblem(new Error('ER_ACCESS_DENIED_ERROR: password for root@10.0.0.3'));
    expect(mapped.unexpected).toBe(true);
    expect(mapped.problem.status).toBe(500);
    expect(JSON.stringify(mapped.problem)).not.toContain('root');
  });
});
