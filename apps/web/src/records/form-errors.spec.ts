import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../api/api-failure';
import { formErrorsOf } from './form-errors';

describe('mapping a refused submit to the form', () => {
  it('puts fields the form does not have into the summary', () => {
    const failure = ApiFailure.fromResponse(400, {
      type: 'urn:starchart:problem:invalid-input',
      title: 'Invalid input',
      status: 400,
      detail: '2 fields are not valid',
      retryable: false,
      errors: [
        { field: 'value', message: 'must be a string' },
        { field: 'Idempotency-Key', message: 'was already used' },
      ],
    });
    expect(formErrorsOf(failure, ['name', 'value'])).toEqual({
      fields: { value: 'must be a string' },
      summary: { title: 'Some fields need a change', detail: 'Idempotency-Key was already used' },
    });
  });

  it('tells that nothing was saved when the api cannot be reached', () => {
    const mapped = formErrorsOf(new ApiFailure('unreachable', 'no answer'), ['name']);
    expect(mapped.fields).toEqual({});
    expect(mapped.summary?.title).toBe('Starchart cannot be reached');
  });

  it('shows a problem without field errors by its title and detail', () => {
    const failure = ApiFailure.fromResponse(409, {
      type: 'urn:starchart:problem:record-busy',
      title: 'The record is still being changed',
      status: 409,
      detail: 'Wait until it is active.',
      retryable: true,
      errors: [],
    });
    expect(formErrorsOf(failure, ['value']).summary).toEqual({
      title: 'The record is still being changed',
      detail: 'Wait until it is active.',
    });
  });
});
