import fc from 'fast-check';
import { decodeTxtValue, encodeTxtValue } from './txt-value';

/** The character-strings of an encoded value, as octet counts, read the way DNS servers do. */
function stringOctets(encoded: string): number[] {
  return [...encoded.matchAll(/"((?:[^"\\]|\\[0-7]{3}|\\.)*)"/g)].map(
    ([, body = '']) => body.replace(/\\[0-7]{3}|\\./g, 'x').length,
  );
}

describe('encodeTxtValue', () => {
  it('quotes a short value as one string', () => {
    expect(encodeTxtValue('v=spf1 -all')).toBe('"v=spf1 -all"');
  });

  it('splits a 600-character value into strings of 255, 255 and 90 characters', () => {
    const encoded = encodeTxtValue('a'.repeat(600));
    expect(stringOctets(encoded)).toEqual([255, 255, 90]);
    expect(encoded).toBe(`"${'a'.repeat(255)}" "${'a'.repeat(255)}" "${'a'.repeat(90)}"`);
  });

  it('escapes quotes and backslashes', () => {
    expect(encodeTxtValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('writes octets outside printable ASCII as octal escapes', () => {
    expect(encodeTxtValue('é\n')).toBe('"\\303\\251\\012"');
  });

  it('never splits the octets of one character across two strings', () => {
    const encoded = encodeTxtValue(`${'a'.repeat(254)}é`);
    expect(encoded).toBe(`"${'a'.repeat(254)}" "\\303\\251"`);
  });

  it('encodes the empty value as one empty string', () => {
    expect(encodeTxtValue('')).toBe('""');
  });
});

describe('decodeTxtValue', () => {
  it('joins the strings Route 53 returns into the one value', () => {
    expect(decodeTxtValue('"abc" "def"')).toBe('abcdef');
  });

  it('reads escaped quotes, backslashes and octal octets', () => {
    expect(decodeTxtValue('"say \\"hi\\" \\\\o/ caf\\303\\251"')).toBe('say "hi" \\o/ café');
  });

  it('reads an unquoted value as its text', () => {
    expect(decodeTxtValue('hello')).toBe('hello');
  });

  it('round-trips any text, in strings of at most 255 octets', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 700 }), (text) => {
        const encoded = encodeTxtValue(text);
        expect(decodeTxtValue(encoded)).toBe(text);
        for (const octets of stringOctets(encoded)) expect(octets).toBeLessThanOrEqual(255);
      }),
    );
  });
});
