import type { ArgumentMetadata } from '@nestjs/common';
import { SchemaValidationPipe } from '../http/schema-validation.pipe';
import { type FieldError, InvalidInputError } from '../problems/api-errors';
import { createRecordSchema, listRecordsQuerySchema, updateRecordSchema } from './record.schemas';

const pipe = new SchemaValidationPipe();
const body = (schema: ArgumentMetadata['schema']): ArgumentMetadata => ({ type: 'body', schema });
const query = (schema: ArgumentMetadata['schema']): ArgumentMetadata => ({ type: 'query', schema });

function fieldErrors(run: () => unknown): FieldError[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return [...error.fieldErrors];
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('create record body', () => {
  const create = (input: unknown): unknown => pipe.transform(input, body(createRecordSchema));

  it('normalises a valid A record and defaults the TTL to 300', () => {
    expect(create({ name: 'WWW', type: 'A', value: '192.0.2.10' })).toEqual({
      name: 'www',
      type: 'A',
      value: '192.0.2.10',
      ttl: 300,
      priority: null,
      weight: null,
      port: null,
    });
  });

  it('keeps the priority of an MX record', () => {
    expect(
      create({ name: '@', type: 'MX', value: 'Mail.Example.com.', ttl: 3600, priority: 10 }),
    ).toEqual({
      name: '@',
      type: 'MX',
      value: 'mail.example.com',
      ttl: 3600,
      priority: 10,
      weight: null,
      port: null,
    });
  });

  it('keeps the priority, weight, port and target of an SRV record at _service._proto', () => {
    expect(
      create({
        name: '_Sip._TCP',
        type: 'SRV',
        value: 'SIP.example.com.',
        priority: 10,
        weight: 5,
        port: 5060,
      }),
    ).toEqual({
      name: '_sip._tcp',
      type: 'SRV',
      value: 'sip.example.com',
      ttl: 300,
      priority: 10,
      weight: 5,
      port: 5060,
    });
  });

  it('refuses an SRV record without its numbers, out of range, or away from _service._proto', () => {
    const srv = { name: '_sip._tcp', type: 'SRV', value: 'sip.example.com' };
    expect(fieldErrors(() => create(srv))).toEqual([
      { field: 'priority', message: 'is required for an SRV record' },
      { field: 'weight', message: 'is required for an SRV record' },
      { field: 'port', message: 'is required for an SRV record' },
    ]);
    expect(
      fieldErrors(() => create({ ...srv, priority: 65_536, weight: -1, port: 70_000 })),
    ).toEqual([
      { field: 'priority', message: 'must be at most 65535' },
      { field: 'weight', message: 'must be at least 0' },
      { field: 'port', message: 'must be at most 65535' },
    ]);
    expect(
      fieldErrors(() =>
        create({ ...srv, name: 'sip', value: '192.0.2.1', priority: 1, weight: 1, port: 1 }),
      ).map((error) => error.field),
    ).toEqual(['name', 'value']);
  });

  it('normalises a CAA value and refuses weight or port on it', () => {
    expect(create({ name: '@', type: 'CAA', value: '0  ISSUE   "letsencrypt.org"' })).toEqual(
      expect.objectContaining({ type: 'CAA', value: '0 issue "letsencrypt.org"' }),
    );
    expect(
      fieldErrors(() =>
        create({ name: '@', type: 'CAA', value: '0 issue "letsencrypt.org"', port: 1 }),
      ),
    ).toEqual([{ field: 'port', message: 'is only allowed on SRV records' }]);
  });

  it('names every missing field', () => {
    expect(fieldErrors(() => create({}))).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'type', message: 'is required' },
      { field: 'value', message: 'is required' },
    ]);
  });

  it('refuses unknown fields by name', () => {
    expect(
      fieldErrors(() =>
        create({ name: 'www', type: 'A', value: '192.0.2.1', owner: 'bob', id: 'x' }),
      ),
    ).toEqual([
      { field: 'owner', message: 'is not a known field' },
      { field: 'id', message: 'is not a known field' },
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(fieldErrors(() => create([1, 2]))).toEqual([
      { field: 'body', message: 'must be a JSON object' },
    ]);
    expect(fieldErrors(() => create(undefined))).toEqual([
      { field: 'body', message: 'must be a JSON object' },
    ]);
  });

  it('refuses an unknown record type', () => {
    expect(fieldErrors(() => create({ name: 'www', type: 'NAPTR', value: 'x' }))).toEqual([
      { field: 'type', message: 'must be one of A, AAAA, CAA, CNAME, MX, SRV, TXT' },
    ]);
  });

  it.each([
    [59, 'must be at least 60 seconds'],
    [86_401, 'must be at most 86400 seconds (one day)'],
    [300.5, 'must be a whole number of seconds'],
    ['300', 'must be a number of seconds'],
  ])('refuses the TTL %j', (ttl, message) => {
    expect(fieldErrors(() => create({ name: 'www', type: 'A', value: '192.0.2.1', ttl }))).toEqual([
      { field: 'ttl', message },
    ]);
  });

  it('accepts the TTL bounds 60 and 86400', () => {
    expect(create({ name: 'a', type: 'A', value: '192.0.2.1', ttl: 60 })).toMatchObject({
      ttl: 60,
    });
    expect(create({ name: 'a', type: 'A', value: '192.0.2.1', ttl: 86_400 })).toMatchObject({
      ttl: 86_400,
    });
  });

  it('requires a priority on MX records, within 0 to 65535', () => {
    const mx = { name: '@', type: 'MX', value: 'mail.example.com' };
    expect(fieldErrors(() => create(mx))).toEqual([
      { field: 'priority', message: 'is required for an MX record' },
    ]);
    expect(fieldErrors(() => create({ ...mx, priority: 65_536 }))).toEqual([
      { field: 'priority', message: 'must be at most 65535' },
    ]);
    expect(fieldErrors(() => create({ ...mx, priority: -1 }))).toEqual([
      { field: 'priority', message: 'must be at least 0' },
    ]);
    expect(create({ ...mx, priority: 0 })).toMatchObject({ priority: 0 });
    expect(create({ ...mx, priority: 65_535 })).toMatchObject({ priority: 65_535 });
  });

  it('refuses a priority on other types', () => {
    expect(
      fieldErrors(() => create({ name: 'www', type: 'A', value: '192.0.2.1', priority: 1 })),
    ).toEqual([{ field: 'priority', message: 'is only allowed on MX and SRV records' }]);
  });

  it('checks the value against the type', () => {
    expect(fieldErrors(() => create({ name: 'www', type: 'AAAA', value: '192.0.2.1' }))).toEqual([
      {
        field: 'value',
        message: 'must be an IPv6 address such as 2001:db8::10 for an AAAA record',
      },
    ]);
  });

  it('reports a bad name with the rule it breaks', () => {
    expect(fieldErrors(() => create({ name: 'dev.*', type: 'A', value: '192.0.2.1' }))).toEqual([
      {
        field: 'name',
        message: 'may only use "*" as its whole leftmost label, as in "*" or "*.dev"',
      },
    ]);
  });
});

describe('update record body', () => {
  const update = (input: unknown): unknown => pipe.transform(input, body(updateRecordSchema));

  it('accepts any of value, ttl and priority', () => {
    expect(update({ ttl: 120 })).toEqual({ ttl: 120 });
    expect(update({ value: '192.0.2.2', priority: 5 })).toEqual({
      value: '192.0.2.2',
      priority: 5,
    });
  });

  it('refuses an empty change', () => {
    expect(fieldErrors(() => update({}))).toEqual([
      { field: 'body', message: 'send at least one of value, ttl, priority, weight and port' },
    ]);
  });

  it('refuses changes to name and type', () => {
    expect(fieldErrors(() => update({ name: 'other', type: 'TXT' }))).toEqual([
      { field: 'name', message: 'is not a known field' },
      { field: 'type', message: 'is not a known field' },
      { field: 'body', message: 'send at least one of value, ttl, priority, weight and port' },
    ]);
  });
});

describe('list query', () => {
  const list = (input: unknown): unknown => pipe.transform(input, query(listRecordsQuerySchema));

  it('defaults the page size to 20', () => {
    expect(list({})).toEqual({ limit: 20 });
    expect(list({ limit: '5', page: '2' })).toEqual({ limit: 5, page: 2 });
  });

  it('refuses a cursor together with a page, and sizes above 100', () => {
    expect(fieldErrors(() => list({ cursor: 'abc', page: '2' }))).toEqual([
      { field: 'page', message: 'use either cursor or page, not both' },
    ]);
    expect(fieldErrors(() => list({ limit: '101' }))).toEqual([
      { field: 'limit', message: 'must be at most 100' },
    ]);
  });

  it('refuses a username that cannot exist', () => {
    expect(fieldErrors(() => list({ username: 'Bob!' }))).toEqual([
      { field: 'username', message: 'is not a valid username' },
    ]);
  });
});
