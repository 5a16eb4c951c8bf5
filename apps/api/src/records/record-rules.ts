import { type DnsRecordType } from '@starchart/persistence';
import {
  APEX_NAME,
  type Check,
  checkCaaValue,
  FQDN_MAX_LENGTH,
  hostnameProblem,
  relativeNameProblem,
  srvNameProblem,
  txtProblem,
} from '@starchart/record-rules';
import { isIPv4, isIPv6 } from 'node:net';

// The rules the web portal checks too live in @starchart/record-rules (bounds included); the
// api adds its wording for missing input, node:net's address checks and the full-name checks.

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(message: string): Check<T> => ({ ok: false, message });
const checked = <T>(value: T, problem: string | undefined): Check<T> =>
  problem === undefined ? ok(value) : fail(problem);

/**
 * A record name relative to the user's zone: `www`, `_dmarc`, `a.b`, `*`, `*.dev` or `@`.
 * Case-insensitive; the result is lower case.
 */
export function checkName(input: string): Check<string> {
  const name = input.trim().toLowerCase();
  if (name === '') return fail('must not be empty; use "@" for your own name');
  return checked(name, relativeNameProblem(name));
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
  return checked(host, hostnameProblem(host));
}

/**
 * RFC 2782: an SRV record lives at `_service._proto.<name>`; its name here starts with those two
 * labels, as in `_sip._tcp` or `_minecraft._tcp.games`.
 */
export function checkSrvName(name: string): Check<string> {
  return checked(name, srvNameProblem(name));
}

/** An SRV target: a host name, or "." for "this service is decidedly not offered here". */
export function checkSrvTarget(input: string): Check<string> {
  return input.trim() === '.' ? ok('.') : checkHostname(input);
}

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
    case 'SRV':
      return checkSrvTarget(input);
    case 'CAA':
      return checkCaaValue(input);
    case 'TXT':
      if (input.length === 0) return fail('must not be empty');
      return checked(input, txtProblem(input));
  }
}
