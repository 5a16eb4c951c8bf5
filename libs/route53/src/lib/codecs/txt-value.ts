/**
 * TXT values: Starchart keeps the text a user wrote; Route 53 wants quoted character-strings of
 * at most 255 octets each (a DNS limit), with `"` and `\` escaped and other octets as `\ooo`.
 */

const MAX_CHARACTER_STRING_OCTETS = 255;

export function encodeTxtValue(text: string): string {
  const strings: string[] = [];
  let current = '';
  let currentOctets = 0;
  for (const char of text) {
    const octets = Buffer.from(char, 'utf8');
    // A character's octets stay in one string so that each string is valid UTF-8 on its own.
    if (currentOctets + octets.length > MAX_CHARACTER_STRING_OCTETS) {
      strings.push(current);
      current = '';
      currentOctets = 0;
    }
    current += escapeCharacter(char, octets);
    currentOctets += octets.length;
  }
  strings.push(current);
  return strings.map((s) => `"${s}"`).join(' ');
}

function escapeCharacter(char: string, octets: Buffer): string {
  if (char === '"' || char === '\\') return `\\${char}`;
  if (octets.length === 1 && char >= ' ' && char <= '~') return char;
  return [...octets].map((octet) => `\\${octet.toString(8).padStart(3, '0')}`).join('');
}

/** Joins every character-string of a TXT value back into the text, as DKIM and SPF readers do. */
export function decodeTxtValue(value: string): string {
  const octets: number[] = [];
  let i = 0;
  while (i < value.length) {
    const char = value[i];
    if (char === ' ' || char === '\t') {
      i += 1;
      continue;
    }
    const quoted = char === '"';
    if (quoted) i += 1;
    while (i < value.length) {
      const c = value[i];
      if (quoted ? c === '"' : c === ' ' || c === '\t') break;
      if (c === '\\') {
        const octal = /^[0-7]{3}/.exec(value.slice(i + 1, i + 4));
        if (octal) {
          octets.push(parseInt(octal[0], 8));
          i += 4;
          continue;
        }
        i += 1;
        if (i >= value.length) break;
      }
      const literal = String.fromCodePoint(value.codePointAt(i) ?? 0);
      octets.push(...Buffer.from(literal, 'utf8'));
      i += literal.length;
    }
    if (quoted) i += 1;
  }
  return Buffer.from(octets).toString('utf8');
}
