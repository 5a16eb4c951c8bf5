import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, isProblem, problemKind, type Problem } from './problem';

const problem = (fields: Partial<Problem>): Problem => ({
  type: 'urn:starchart:problem:invalid-input',
  title: 'Invalid input',
  status: 400,
  detail: '2 fields are not valid',
  retryable: false,
  errors: [],
  ...fields,
});

describe('problem+json documents', () => {
  it('recognises a problem and rejects other bodies', () => {
    expect(isProblem(problem({}))).toBe(true);
    expect(isProblem({ message: 'Internal server error' })).toBe(false);
    expect(isProblem(null)).toBe(false);
  });

  it('names the kind from the type URN, and keeps a foreign type as it is', () => {
    expect(problemKind(problem({ type: 'urn:starchart:problem:quota-exceeded' }))).toBe(
      'quota-exceeded',
    );
    expect(problemKind(problem({ type: 'about:blank' }))).toBe('about:blank');
  });

  it('maps errors[] to their fields, the first message of a field first', () => {
    const errors = [
      { field: 'value', message: 'must be an IPv4 address' },
      { field: 'ttl', message: 'must be at least 60 seconds' },
      { field: 'value', message: 'second message' },
    ];
    expect(fieldErrorsOf(problem({ errors }))).toEqual({
      value: 'must be an IPv4 address',
      ttl: 'must be at least 60 seconds',
    });
  });
});
