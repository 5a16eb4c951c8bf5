import type { RecordType } from '@starchart/api-client';

/**
 * The api's record rules (apps/api/src/records/record-rules.ts), checked in the browser so a
 * person hears about a mistake before sending. The api checks again and has the last word.
 */
export const TTL_MIN = 60;
export const TTL_MAX = 86_400;
export const TTL_DEFAULT = 300;
export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 65_535;
export const TXT_MAX_LENGTH = 4_000;
const FQDN_MAX_LENGTH = 253;
const LABEL_MAX_LENGTH = 63;
const LABEL_CHARS = /^[a-z0-9_-]+$/;
const TXT_CHARS = /^[\x20-\x7e]*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT'];

function labelProblem(label: string): string | undefined {
  if (label.length === 0) return 'has an empty label (two dots in a row, or a dot at an end)';
  if (label.length > LABEL_MAX_LENGTH)
    return `has a label of ${label.length} characters; a label has at most ${LABEL_MAX_LENGTH}`;
  if (!LABEL_CHARS.test(label))
    return `has the label "${label}" with a character other than a-z, 0-9, "-" or a leading "_"`;
  if (label.indexOf('_', 1) !== -1)
    return `has the label "${label}" with "_" after its first character`;
  const body = label.startsWith('_') ? label.slice(1) : label;
  if (body.length === 0) return `has the label "${label}" with nothing after "_"`;
  if (body.startsWith('-') || body.endsWith('-'))
    return `has the label "${label}" starting or ending with a hyphen`;
  return undefined;
}

/** Why `input` cannot be a record name relative to the zone, or undefined. */
export function nameProblem(input: string): string | undefined {
  const name = input.trim().toLowerCase();
  if (name === '') return 'is required; use "@" for your own name';
  if (name === '@') return undefined;
  if (name.endsWith('.')) return 'is relative to your zone and must not end with a dot';
  const labels = name.split('.');
  for (const [index, label] of labels.entries()) {
    if (label === '*' && index === 0) continue;
    if (label.includes('*'))
      return 'may only use "*" as its whole leftmost label, as in "*" or "*.dev"';
    const problem = labelProblem(label);
    if (problem) return problem;
  }
  return undefined;
}

function isIPv6(input: string): boolean {
  if (!input.includes(':') || input.includes('[') || input.includes('/')) return false;
  try {
    // The URL parser implements the IPv6 address grammar.
    return new URL(`http://[${input}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function hostnameProblem(input: string): string | undefined {
  const host = input.trim().toLowerCase().replace(/\.$/, '');
  if (host === '') return 'is required: a host name such as mail.example.com';
  if (IPV4.test(host) || isIPv6(host))
    return 'must be a host name, not an IP address (use an A or AAAA record for addresses)';
  if (host.length > FQDN_MAX_LENGTH) return `must be at most ${FQDN_MAX_LENGTH} characters long`;
  const labels = host.split('.');
  if (labels.length < 2) return 'must be a fully qualified host name such as www.example.com';
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return problem;
  }
  if (/^[0-9]+$/.test(labels.at(-1) ?? '')) return 'must end in a top-level domain, not a number';
  return undefined;
}

/** Why `input` cannot be the value of a record of `type`, or undefined. */
export function valueProblem(type: RecordType, input: string): string | undefined {
  switch (type) {
    case 'A':
      return IPV4.test(input.trim()) ? undefined : 'must be an IPv4 address such as 192.0.2.10';
    case 'AAAA':
      return isIPv6(input.trim()) ? undefined : 'must be an IPv6 address such as 2001:db8::10';
    case 'CNAME':
    case 'MX':
      return hostnameProblem(input);
    case 'TXT':
      if (input.length === 0) return 'is required';
      if (input.length > TXT_MAX_LENGTH)
        return `is ${input.length} characters long; a TXT value has at most ${TXT_MAX_LENGTH}`;
      return TXT_CHARS.test(input)
        ? undefined
        : 'may only contain printable ASCII characters (no line breaks, tabs or emoji)';
  }
}

function wholeNumberProblem(
  input: string,
  min: number,
  max: number,
  unit: string,
): string | undefined {
  if (input.trim() === '') return 'is required';
  if (!/^\d+$/.test(input.trim())) return `must be a whole number${unit}`;
  const value = Number(input);
  if (value < min) return `must be at least ${min}${unit}`;
  if (value > max) return `must be at most ${max}${unit}`;
  return undefined;
}

export const ttlProblem = (input: string) =>
  wholeNumberProblem(input, TTL_MIN, TTL_MAX, ' seconds');
export const priorityProblem = (input: string) =>
  wholeNumberProblem(input, PRIORITY_MIN, PRIORITY_MAX, '');
