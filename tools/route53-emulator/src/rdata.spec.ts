import { parseCharacterStrings, parseRecordValue, RecordValueError } from './rdata';

describe('record values', () => {
  it('splits TXT values into their quoted strings, unescaping \\" \\\\ and octal escapes', () => {
    expect(parseCharacterStrings('"a b" "c\\"d" "e\\\\f" "\\101\\040B" ""')).toEqual(
      ['a b', 'c"d', 'e\\f', 'A B', ''].map((s) => Buffer.from(s)),
    );
    expect(parseCharacterStrings('  "x"\t"y"  ')).toEqual([Buffer.from('x'), Buffer.from('y')]);
  });

  it('counts TXT string length in octets, 255 at most each', () => {
    expect(parseCharacterStrings(`"${'é'.repeat(127)}"`)[0]).toHaveLength(254);
    expect(() => parseCharacterStrings(`"${'é'.repeat(128)}"`)).toThrow('TXTRDATATooLong');
    expect(() => parseCharacterStrings(`"${'a'.repeat(255)}"`)).not.toThrow();
  });

  it.each(['plain', '"open', '"a"b"', '"a" b', '', '"trailing\\'])(
    'refuses the TXT value %j',
    (value) => {
      expect(() => parseCharacterStrings(value)).toThrow('InvalidCharacterString');
    },
  );

  it('parses each supported type into what the DNS server sends', () => {
    expect(parseRecordValue('MX', '10 mail.example.com.')).toMatchObject({
      preference: 10,
      exchange: { canonical: 'mail.example.com.' },
    });
    expect(parseRecordValue('SRV', '1 2 443 svc.example.com')).toMatchObject({
      priority: 1,
      weight: 2,
      port: 443,
    });
    expect(parseRecordValue('CAA', '128 issuewild ";"')).toEqual({
      type: 'CAA',
      flags: 128,
      tag: 'issuewild',
      value: ';',
    });
    expect(
      parseRecordValue('SOA', 'ns.example.com. admin.example.com. 5 7200 900 1209600 86400'),
    ).toMatchObject({
      serial: 5,
      minimum: 86400,
    });
    expect(parseRecordValue('AAAA', '2001:db8::1')).toEqual({
      type: 'AAAA',
      address: '2001:db8::1',
    });
  });

  it.each([
    ['A', '10.0.0'],
    ['A', '10.0.0.1 '],
    ['AAAA', 'fe80::1%eth0'],
    ['CNAME', 'a..b'],
    ['MX', '70000 mail.example.com'],
    ['MX', '10'],
    ['SRV', '1 2 mail.example.com'],
    ['CAA', '0 issue letsencrypt.org'],
    ['CAA', '0 bogus "x"'],
    ['SOA', 'ns.example.com. admin.example.com. 1 2 3 4'],
  ] as const)('refuses the %s value %j', (type, value) => {
    expect(() => parseRecordValue(type, value)).toThrow(RecordValueError);
  });
});
