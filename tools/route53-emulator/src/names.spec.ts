import {
  compareNames,
  DomainNameError,
  fromWireText,
  isInZone,
  parseDomainName,
  reversedNameKey,
  toWireText,
} from './names';

describe('domain names', () => {
  it('normalises as Route 53 returns names: lower case, trailing dot, octal escapes', () => {
    expect(parseDomainName('WWW.Example.COM').canonical).toBe('www.example.com.');
    expect(parseDomainName('*.example.com.').canonical).toBe('\\052.example.com.');
    expect(parseDomainName('\\052.example.com').canonical).toBe('\\052.example.com.');
    expect(parseDomainName('_acme-challenge.a_b.example.com').canonical).toBe(
      '_acme-challenge.a_b.example.com.',
    );
    expect(parseDomainName('a@b!.example.com').canonical).toBe('a\\100b\\041.example.com.');
    expect(parseDomainName('\\101BC.example.com').canonical).toBe('abc.example.com.');
    expect(parseDomainName('.').labels).toEqual([]);
  });

  it('refuses empty labels, labels over 63 octets, names over 255 and unprintable characters', () => {
    const problem = (input: string) => {
      try {
        parseDomainName(input);
        return 'accepted';
      } catch (error) {
        return error instanceof DomainNameError ? error.problem : 'other';
      }
    };
    expect(problem('')).toBe('DomainLabelEmpty');
    expect(problem('a..b')).toBe('DomainLabelEmpty');
    expect(problem('example.com..')).toBe('DomainLabelEmpty');
    expect(problem(`${'a'.repeat(63)}.com`)).toBe('accepted');
    expect(problem(`${'a'.repeat(64)}.com`)).toBe('DomainLabelTooLong');
    // Escapes count as the one octet they stand for.
    expect(problem(`${'\\052'.repeat(63)}.com`)).toBe('accepted');
    const labels = (n: number) => Array.from({ length: n }, () => 'a'.repeat(63)).join('.');
    expect(problem(`${labels(3)}.${'b'.repeat(61)}`)).toBe('accepted');
    expect(problem(`${labels(3)}.${'b'.repeat(62)}`)).toBe('DomainNameTooLong');
    expect(problem('a b.com')).toBe('UnsupportedCharacter');
    expect(problem('café.com')).toBe('UnsupportedCharacter');
  });

  it("orders names like Route 53's listings: reversed labels with the trailing dot", () => {
    const names = [
      'www.example.com',
      'example.com',
      'a.x.example.com',
      'a-b.example.com',
      '*.example.com',
    ];
    const sorted = names
      .map(parseDomainName)
      .sort(compareNames)
      .map((n) => n.canonical);
    expect(sorted).toEqual([
      'example.com.',
      '\\052.example.com.',
      'a-b.example.com.',
      'www.example.com.',
      'a.x.example.com.',
    ]);
    expect(reversedNameKey(parseDomainName('www.example.com'))).toBe('com.example.www.');
  });

  it('tells whether a name lies in a zone by whole labels', () => {
    const zone = parseDomainName('example.com');
    expect(isInZone(parseDomainName('example.com'), zone)).toBe(true);
    expect(isInZone(parseDomainName('a.b.example.com'), zone)).toBe(true);
    expect(isInZone(parseDomainName('badexample.com'), zone)).toBe(false);
    expect(isInZone(parseDomainName('com'), zone)).toBe(false);
  });

  it('converts to and from the text dns-packet reads and writes', () => {
    expect(toWireText(parseDomainName('*.Example.com.'))).toBe('*.example.com');
    expect(fromWireText('WWW.example.com.').canonical).toBe('www.example.com.');
    expect(fromWireText('').canonical).toBe('.');
  });
});
