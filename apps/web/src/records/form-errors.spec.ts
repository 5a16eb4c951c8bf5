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

  it("explains a full zone as everyone's limit, not the person's own quota", () => {
    const detail =
      "Starchart's DNS zone holds 10000 record sets, as many as Route 53 allows it (10000).";
    const failure = ApiFailure.fromResponse(409, {
      type: 'urn:starchart:problem:zone-full',
      title: 'The DNS zone is full',
      status: 409,
      detail,
      retryable: false,
      errors: [],
    });
    const mapped = formErrorsOf(failure, ['name', 'value']);
    expect(mapped.fields).toEqual({});
    expect(mapped.summary?.title).toBe("Starchart's DNS zone is full");
    expect(mapped.summary?.detail).toContain('No one can add a record');
    expect(mapped.summary?.detail).toContain(detail);
    expect(mapped.summary?.title).not.toBe(
      formErrorsOf(
        ApiFailure.fromResponse(409, {
          type: 'urn:starchart:problem:quota-exceeded',
          title: 'Record quota reached',
          status: 409,
          detail: 'You may have at most 10 records.',
          retryable: false,
          errors: [],
        }),
        ['name'],
      ).summary?.title,
    );
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
