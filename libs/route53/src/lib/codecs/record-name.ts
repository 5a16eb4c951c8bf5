/**
 * Record names as Starchart keeps them (`*.alice.example.com`) and as Route 53 writes them
 * (`\052.alice.example.com.`): Route 53 answers with a trailing dot and octal escapes for every
 * octet outside [a-z0-9_-], and compares names case-insensitively.
 */

/** Lower case, no trailing dot, octal escapes decoded: the form of `RecordSet.name`. */
export function normalizeRecordName(name: string): string {
  const octets: number[] = [];
  const trimmed = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  for (let i = 0; i < trimmed.length;) {
    const octal = trimmed[i] === '\\' ? /^[0-7]{3}/.exec(trimmed.slice(i + 1, i + 4)) : null;
    if (octal) {
      octets.push(parseInt(octal[0], 8));
      i += 4;
      continue;
    }
    const escaped = trimmed[i] === '\\' && i + 1 < trimmed.length;
    const char = String.fromCodePoint(trimmed.codePointAt(escaped ? i + 1 : i) ?? 0);
    octets.push(...Buffer.from(char, 'utf8'));
    i += (escaped ? 1 : 0) + char.length;
  }
  // Route 53 folds ASCII case only, as DNS does.
  return Buffer.from(octets)
    .toString('utf8')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The fully qualified form sent to Route 53; `*` stays literal, as Route 53 accepts it. */
export function encodeRecordName(name: string): string {
  const normalized = normalizeRecordName(name);
  let out = '';
  for (const octet of Buffer.from(normalized, 'utf8')) {
    const char = String.fromCharCode(octet);
    out += /[a-z0-9_*.-]/.test(char) ? char : `\\${octet.toString(8).padStart(3, '0')}`;
  }
  return `${out}.`;
}

/** One key per name and type, the unit Route 53 refuses to see twice in a batch. */
export function recordSetKey(name: string, type: string): string {
  return `${normalizeRecordName(name)} ${type}`;
}
