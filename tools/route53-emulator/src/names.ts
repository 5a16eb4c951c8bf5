/**
 * Domain names as Route 53 handles them. A label is kept as a string of byte values (one
 * char per octet, 0-255), so that octal escapes round-trip and lengths are counted in octets.
 */

export type DomainNameProblem =
  | 'DomainLabelEmpty'
  | 'DomainLabelTooLong'
  | 'DomainNameTooLong'
  | 'InvalidCharacter'
  | 'UnsupportedCharacter';

const PROBLEM_DESCRIPTIONS: Record<DomainNameProblem, string> = {
  DomainLabelEmpty: 'Domain label is empty',
  DomainLabelTooLong: 'Domain label is too long',
  DomainNameTooLong: 'Domain name is too long',
  InvalidCharacter: 'Domain name contains an invalid character',
  UnsupportedCharacter: 'Value contains unsupported characters',
};

export class DomainNameError extends Error {
  readonly description: string;

  constructor(
    readonly problem: DomainNameProblem,
    readonly input: string,
  ) {
    super(`${problem} (${PROBLEM_DESCRIPTIONS[problem]}) encountered with '${input}'`);
    this.name = 'DomainNameError';
    this.description = PROBLEM_DESCRIPTIONS[problem];
  }
}

export interface DomainName {
  /** Lower case, trailing dot, every octet other than [a-z0-9_-] as a three-digit octal escape. */
  readonly canonical: string;
  /** Octets of each label, lower-cased, leftmost label first. */
  readonly labels: readonly string[];
}

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 255;

export function parseDomainName(input: string): DomainName {
  const labels: string[] = [];
  let label = '';
  let i = 0;
  if (input === '') throw new DomainNameError('DomainLabelEmpty', input);
  // A single trailing dot is the fully qualified form; "." alone is the root.
  if (input === '.') return { canonical: '.', labels: [] };
  const end = input.endsWith('.') ? input.length - 1 : input.length;
  while (i < end) {
    const ch = input.charCodeAt(i);
    if (ch === 0x2e) {
      labels.push(finishLabel(label, input));
      label = '';
      i += 1;
      continue;
    }
    if (ch === 0x5c && /^[0-7]{3}$/.test(input.slice(i + 1, i + 4))) {
      const octet = parseInt(input.slice(i + 1, i + 4), 8);
      if (octet > 0xff) throw new DomainNameError('InvalidCharacter', input);
      label += String.fromCharCode(octet);
      i += 4;
      continue;
    }
    // Route 53 names the character itself: `encountered with ' '` for a space.
    if (ch < 0x21 || ch > 0x7e) throw new DomainNameError('UnsupportedCharacter', input.charAt(i));
    label += input[i];
    i += 1;
  }
  labels.push(finishLabel(label, input));
  const lowered = labels.map(lowerAscii);
  const wireLength = lowered.reduce((sum, l) => sum + l.length + 1, 1);
  if (wireLength > MAX_NAME_OCTETS) throw new DomainNameError('DomainNameTooLong', input);
  return { canonical: formatLabels(lowered), labels: lowered };
}

function finishLabel(label: string, input: string): string {
  if (label.length === 0) throw new DomainNameError('DomainLabelEmpty', input);
  if (label.length > MAX_LABEL_OCTETS) throw new DomainNameError('DomainLabelTooLong', input);
  return label;
}

function lowerAscii(label: string): string {
  return label.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function escapeLabel(label: string): string {
  let out = '';
  for (const ch of label) {
    out += /[a-z0-9_-]/.test(ch) ? ch : '\\' + ch.charCodeAt(0).toString(8).padStart(3, '0');
  }
  return out;
}

function formatLabels(labels: readonly string[]): string {
  return labels.length === 0 ? '.' : labels.map(escapeLabel).join('.') + '.';
}

export function nameFromLabels(labels: readonly string[]): DomainName {
  return { canonical: formatLabels(labels), labels };
}

/** True when `name` is `zone` or lies below it. */
export function isInZone(name: DomainName, zone: DomainName): boolean {
  const offset = name.labels.length - zone.labels.length;
  if (offset < 0) return false;
  return zone.labels.every((label, i) => name.labels[offset + i] === label);
}

/** The names from `name` up to and including `zone`, nearest first. */
export function namesUpTo(name: DomainName, zone: DomainName): DomainName[] {
  const out: DomainName[] = [];
  for (let i = 0; i <= name.labels.length - zone.labels.length; i += 1) {
    out.push(nameFromLabels(name.labels.slice(i)));
  }
  return out;
}

/**
 * Route 53's listing order: labels reversed and joined with dots, trailing dot included, then
 * compared octet by octet, so `a-b` sorts before `a.x` because '-' precedes '.'.
 */
export function reversedNameKey(name: DomainName): string {
  return [...name.labels].reverse().join('.') + '.';
}

export function compareNames(a: DomainName, b: DomainName): number {
  return compareText(reversedNameKey(a), reversedNameKey(b));
}

/** Code unit by code unit, which for these octet strings is octet by octet. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The form dns-packet reads and writes: labels joined by dots, no escapes, no trailing dot. */
export function toWireText(name: DomainName): string {
  return name.labels.join('.');
}

/** Names decoded by dns-packet: every char is taken as one octet of its label. */
export function fromWireText(text: string): DomainName {
  const trimmed = text.replace(/^\.|\.$/g, '');
  if (trimmed === '') return { canonical: '.', labels: [] };
  return nameFromLabels(trimmed.split('.').map(lowerAscii));
}
