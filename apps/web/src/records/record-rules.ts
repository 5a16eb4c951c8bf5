/**
 * The api's record rules (@starchart/record-rules, shared with apps/api), checked in the browser
 * so a person hears about a mistake before sending, in the words of a form. The api checks again
 * and has the last word.
 */
import type { RecordType } from '@starchart/api-client';
import {
  checkCaaValue,
  hostnameProblem,
  PRIORITY_MAX,
  PRIORITY_MIN,
  relativeNameProblem,
  srvNameProblem as trimmedSrvNameProblem,
  TTL_MAX,
  TTL_MIN,
  txtProblem,
} from '@starchart/record-rules';

export { PRIORITY_MAX, PRIORITY_MIN, TTL_DEFAULT, TTL_MAX, TTL_MIN } from '@starchart/record-rules';

// The browser has no node:net; the api checks addresses with it.
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const RECORD_TYPES: readonly RecordType[] = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'MX',
  'SRV',
  'TXT',
];

/** Why `input` cannot be a record name relative to the zone, or undefined. */
export function nameProblem(input: string): string | undefined {
  const name = input.trim().toLowerCase();
  if (name === '') return 'is required; use "@" for your own name';
  return relativeNameProblem(name);
}

/** RFC 2782: an SRV record's name starts with _service._protocol. */
export const srvNameProblem = (input: string) => trimmedSrvNameProblem(input.trim());

function isIPv6(input: string): boolean {
  if (!input.includes(':') || input.includes('[') || input.includes('/')) return false;
  try {
    // The URL parser implements the IPv6 address grammar.
    return new URL(`http://[${input}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function targetProblem(input: string): string | undefined {
  const host = input.trim().toLowerCase().replace(/\.$/, '');
  if (host === '') return 'is required: a host name such as mail.example.com';
  if (IPV4.test(host) || isIPv6(host))
    return 'must be a host name, not an IP address (use an A or AAAA record for addresses)';
  return hostnameProblem(host);
}

function caaProblem(input: string): string | undefined {
  const check = checkCaaValue(input);
  return check.ok ? undefined : check.message;
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
      return targetProblem(input);
    case 'SRV':
      return input.trim() === '.' ? undefined : targetProblem(input);
    case 'CAA':
      return caaProblem(input);
    case 'TXT':
      if (input.length === 0) return 'is required';
      return txtProblem(input);
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
/** An SRV record's weight or port: 16 bits, as its priority. */
export const uint16Problem = priorityProblem;
