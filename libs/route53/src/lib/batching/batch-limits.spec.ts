import type { RecordChange, RecordSet } from '../record-set';
import { changeCost, planBatch, ROUTE53_BATCH_LIMITS } from './batch-limits';

function change(
  action: RecordChange['action'],
  name: string,
  values: string[] = ['192.0.2.1'],
  type: RecordSet['type'] = 'A',
): RecordChange {
  return { action, recordSet: { name, type, ttl: 60, values } };
}

const plan = (queue: RecordChange[]) => planBatch(queue, (c) => c);

describe('changeCost', () => {
  it('counts an UPSERT twice, in records and in characters', () => {
    const values = ['192.0.2.1', '192.0.2.22'];
    expect(changeCost(change('CREATE', 'a.test', values))).toEqual({
      resourceRecords: 2,
      valueCharacters: 19,
    });
    expect(changeCost(change('UPSERT', 'a.test', values))).toEqual({
      resourceRecords: 4,
      valueCharacters: 38,
    });
  });

  it('counts TXT values as sent, quoted and split', () => {
    const cost = changeCost(change('CREATE', 't.test', ['a'.repeat(600)], 'TXT'));
    expect(cost.valueCharacters).toBe(600 + 3 * 2 + 2);
  });
});

describe('planBatch', () => {
  it('takes every change of a small queue, in order', () => {
    const queue = [
      change('UPSERT', 'a.test'),
      change('CREATE', 'b.test'),
      change('DELETE', 'c.test'),
    ];
    expect(plan(queue)).toEqual(queue);
  });

  it('leaves a second change to the same name and type for the next batch', () => {
    const first = change('UPSERT', 'a.test', ['192.0.2.1']);
    const other = change('UPSERT', 'b.test');
    const second = change('DELETE', 'A.test.', ['192.0.2.1']);
    const sameNameOtherType = change('UPSERT', 'a.test', ['2001:db8::1'], 'AAAA');
    expect(plan([first, other, second, sameNameOtherType])).toEqual([
      first,
      other,
      sameNameOtherType,
    ]);
    expect(plan([second, sameNameOtherType])).toEqual([second, sameNameOtherType]);
  });

  it('stops at 1,000 resource records, counting UPSERTs twice', () => {
    const queue = Array.from({ length: 600 }, (_, i) => change('UPSERT', `r${i}.test`));
    const batch = plan(queue);
    expect(batch).toHaveLength(500);
    expect(batch).toEqual(queue.slice(0, 500));
  });

  it('stops at 32,000 characters of values', () => {
    const value = 'x'.repeat(989);
    const queue = Array.from({ length: 40 }, (_, i) =>
      change('CREATE', `t${i}.test`, [value], 'TXT'),
    );
    // Each value travels as 1,000 characters: 989 in four quoted strings, three blanks between.
    expect(plan(queue)).toHaveLength(32);
  });

  it('lets a later, smaller change fill the room a large one does not fit in', () => {
    const big = (i: number) => change('CREATE', `big${i}.test`, ['x'.repeat(10_000)], 'TXT');
    const small = change('CREATE', 'small.test');
    const queue = [big(1), big(2), big(3), big(4), small];
    expect(plan(queue)).toEqual([big(1), big(2), big(3), small]);
  });

  it('keeps a change behind an earlier change to its record set that did not fit', () => {
    const big = (i: number) => change('CREATE', `big${i}.test`, ['x'.repeat(10_000)], 'TXT');
    const tooBig = change('UPSERT', 'same.test', ['x'.repeat(4_000)], 'TXT');
    const later = change('DELETE', 'same.test', ['y'], 'TXT');
    expect(plan([big(1), big(2), big(3), tooBig, later])).toEqual([big(1), big(2), big(3)]);
  });

  it('sends the oldest change alone when it exceeds the limits by itself', () => {
    const huge = change('CREATE', 'huge.test', ['x'.repeat(40_000)], 'TXT');
    const next = change('CREATE', 'next.test');
    expect(plan([huge, next])).toEqual([huge]);
  });

  it('applies the limits it is given', () => {
    const queue = Array.from({ length: 5 }, (_, i) => change('CREATE', `l${i}.test`));
    expect(
      planBatch(queue, (c) => c, { ...ROUTE53_BATCH_LIMITS, maxResourceRecords: 2 }),
    ).toHaveLength(2);
  });
});
