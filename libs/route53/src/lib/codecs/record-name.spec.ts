import { encodeRecordName, normalizeRecordName, recordSetKey } from './record-name';

describe('normalizeRecordName', () => {
  it('drops the trailing dot and folds case', () => {
    expect(normalizeRecordName('WWW.Alice.Starchart.Test.')).toBe('www.alice.starchart.test');
  });

  it("reads Route 53's \\052 as the wildcard it stands for", () => {
    expect(normalizeRecordName('\\052.alice.starchart.test.')).toBe('*.alice.starchart.test');
  });

  it('decodes every octal escape Route 53 writes, UTF-8 included', () => {
    expect(normalizeRecordName('a\\040b.starchart.test.')).toBe('a b.starchart.test');
    expect(normalizeRecordName('caf\\303\\251.starchart.test.')).toBe('café.starchart.test');
  });

  it('leaves a name that is already normal as it is', () => {
    expect(normalizeRecordName('_acme-challenge.alice.starchart.test')).toBe(
      '_acme-challenge.alice.starchart.test',
    );
  });
});

describe('encodeRecordName', () => {
  it('sends the fully qualified, lower-case name with a literal wildcard', () => {
    expect(encodeRecordName('*.Alice.starchart.test')).toBe('*.alice.starchart.test.');
  });

  it('escapes octets outside letters, digits, hyphen and underscore', () => {
    expect(encodeRecordName('a b.starchart.test')).toBe('a\\040b.starchart.test.');
    expect(encodeRecordName('café.starchart.test.')).toBe('caf\\303\\251.starchart.test.');
  });

  it('round-trips through normalizeRecordName', () => {
    for (const name of ['*.bob.starchart.test', 'a b.c', 'x_y-z.starchart.test', 'café.test']) {
      expect(normalizeRecordName(encodeRecordName(name))).toBe(name);
    }
  });
});

describe('recordSetKey', () => {
  it('gives the same key to every spelling of one record set', () => {
    expect(recordSetKey('\\052.Alice.starchart.test.', 'TXT')).toBe(
      recordSetKey('*.alice.starchart.test', 'TXT'),
    );
    expect(recordSetKey('a.starchart.test', 'A')).not.toBe(
      recordSetKey('a.starchart.test', 'AAAA'),
    );
  });
});
