import { type DnsRecordType, MAX_RECORD_VALUE_LENGTH } from '@starchart/persistence';
import { isIPv4, isIPv6 } from 'node:net';

export const TTL_MIN = 60;
export const TTL_MAX = 86_400;
export const TTL_DEFAULT = 300;
export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 65_535;
export const TXT_MAX_LENGTH = MAX_RECORD_VALUE_LENGTH;
// RFC 1035: 255 octets on the wire is 253 characters written without the trailing dot.
export const FQDN_MAX_LENGTH = 253;
export const LABEL_MAX_LENGTH = 63;
/** The record name that means the user's own name, `<username>.<ROOT_DOMAIN>`. */
export const APEX_NAME = '@';

const LABEL_CHARS = /^[a-z0-9_-]+$/;

export type Check<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(message: string): Check<T> => ({ ok: false, message });

/**
 * Rules for one label: letters, digits and inner hyphens; an underscore only as the first
 * character (`_dmarc`, `_sip._tcp`), the convention of service and policy records.
 */
function labelProblem(label: string): string | undefined {
  if (label.length === 0) return 'has an empty label (two dots in a row, or a dot at an end)';
  if (label.length > LABEL_MAX_LENGTH) {
    return `has the label "${label.slice(0, 20)}…" of ${label.length} characters; a label has at most ${LABEL_MAX_LENGTH}`;
  }
  if (!LABEL_CHARS.test(label)) {
    return `has the label "${label}" with a character other than a-z, 0-9, "-" or a leading "_"`;
  }
  if (label.indexOf('_', 1) !== -1) {
    return `has the label "${label}" with "_" after its first character`;
  }
  const body = label.startsWith('_') ? label.slice(1) : label;
  if (body.length === 0) return `has the label "${label}" with nothing after "_"`;
  if (body.startsWith('-') || body.endsWith('-')) {
    return `has the label "${label}" starting or ending with a hyphen`;
  }
  return undefined;
}

/**
 * A record name relative to the user's zone: `www`, `_dmarc`, `a.b`, `*`, `*.dev` or `@`.
 * Case-insensitive; the result is lower case.
 */
export function checkName(input: string): Check<string> {
  const name = input.trim().toLowerCase();
  if (name === '') return fail('must not be empty; use "@" for your own name');
  if (name === APEX_NAME) return ok(name);
  if (name.endsWith('.')) {
    return fail('is relative to your zone and must not end with a dot');
  }
  const labels = name.split('.');
  for (const [index, label] of labels.entries()) {
    if (label === '*') {
      if (index === 0) continue;
      return fail('may only use "*" as its whole leftmost label, as in "*" or "*.dev"');
    }
    if (label.includes('*')) {
      return fail('may only use "*" as its whole leftmost label, as in "*" or "*.dev"');
    }
    const problem = labelProblem(label);
    if (problem) return fail(problem);
  }
  return ok(name);
}

/** The absolute name of `name` inside the zone `<username>.<rootDomain>`. */
export function toFqdn(name: string, username: string, rootDomain: string): string {
  const zone = `${username}.${rootDomain}`;
  return name === APEX_NAME ? zone : `${name}.${zone}`;
}

/**
 * Refuses a name that ends in the root domain: it is a full name typed where a relative one
 * belongs, and accepting it would nest `www.bob.<root>` under the caller's own zone.
 */
export function checkRelativeName(name: string, rootDomain: string): Check<string> {
  return name === rootDomain || name.endsWith(`.${rootDomain}`)
    ? fail(
        `looks like a full name ending in ${rootDomain}; give it relative to your zone, as in "www" for www.<username>.${rootDomain}`,
      )
    : ok(name);
}

export function checkFqdnLength(fqdn: string): Check<string> {
  return fqdn.length <= FQDN_MAX_LENGTH
    ? ok(fqdn)
    : fail(
        `makes the full name ${fqdn.length} characters long (${fqdn.slice(0, 40)}…); DNS allows at most ${FQDN_MAX_LENGTH}`,
      );
}

/** A target host for CNAME or MX: absolute, at least two labels, a trailing dot allowed. */
export function checkHostname(input: string): Check<string> {
  const host = input.trim().toLowerCase().replace(/\.$/, '');
  if (host === '') return fail('must be a host name such as mail.example.com');
  if (isIPv4(host) || isIPv6(host)) {
    return fail('must be a host name, not an IP address (use an A or AAAA record for addresses)');
  }
  if (host.length > FQDN_MAX_LENGTH) {
    return fail(`must be at most ${FQDN_MAX_LENGTH} characters long`);
  }
  const labels = host.split('.');
  if (labels.length < 2) {
    return fail('must be a fully qualified host name such as www.example.com');
  }
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return fail(problem);
  }
  if (/^[0-9]+$/.test(labels.at(-1) ?? '')) {
    return fail('must end in a top-level domain, not a number');
  }
  return ok(host);
}

// Printable ASCII: what Route 53 stores in a TXT string without octal escapes.
const TXT_CHARS = /^[\x20-\x7e]*$/;

export function checkValue(type: DnsRecordType, input: string): Check<string> {
  switch (type) {
    case 'A':
      return isIPv4(input.trim())
        ? ok(input.trim())
        : fail('must be an IPv4 address such as 192.0.2.10 for an A record');
    case 'AAAA':
      return isIPv6(input.trim())
        ? ok(input.trim().toLowerCase())
        : fail('must be an IPv6 address such as 2001:db8::10 for an AAAA record');
    case 'CNAME':
    case 'MX':
      return checkHostname(input);
    case 'TXT':
      if (input.length === 0) return fail('must not be empty');
      if (input.length > TXT_MAX_LENGTH) {
        return fail(
          `is ${input.length} characters long; a TXT value has at most ${TXT_MAX_LENGTH}`,
        );
      }
      return TXT_CHARS.test(input)
        ? ok(input)
        : fail('may only contain printable ASCII characters (no line breaks, tabs or emoji)');
  }
}
