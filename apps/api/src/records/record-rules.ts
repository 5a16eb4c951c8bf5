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

/** The CAA property tags RFC 8659 defines, and the only ones Route 53 takes. */
export const CAA_TAGS = ['issue', 'issuewild', 'iodef'] as const;
export type CaaTag = (typeof CAA_TAGS)[number];
/** RFC 8659 4.1: bit 0 (128) is the issuer critical flag; every other bit is reserved and clear. */
export const CAA_CRITICAL_FLAG = 128;
const CAA_FORMAT = /^([^ \t]+)[ \t]+([^ \t]+)[ \t]+(.*)$/;
// RFC 8659 4.2: issuer-domain-name *(";" parameter), a parameter being tag=value.
const CAA_LABEL = /^[a-z0-9](?:-*[a-z0-9])*$/i;
const CAA_PARAMETER = /^[a-z0-9](?:-*[a-z0-9])*[ \t]*=[ \t]*[\x21-\x3a\x3c-\x7e]*$/i;

/**
 * A CAA value as zone files and Route 53 write it: `0 issue "letsencrypt.org"`,
 * `0 issuewild ";"`, `0 iodef "mailto:security@example.com"`. The result has single spaces
 * and a lower-case tag.
 */
export function checkCaaValue(input: string): Check<string> {
  const match = CAA_FORMAT.exec(input.trim());
  const [, flagsText = '', tagText = '', quoted = ''] = match ?? [];
  if (!match) {
    return fail('must be flags, a tag and a quoted value, such as 0 issue "letsencrypt.org"');
  }
  if (!/^[0-9]{1,3}$/.test(flagsText) || Number(flagsText) > 255) {
    return fail(
      `has the flags "${flagsText}"; flags are a number from 0 to 255 (0, or 128 for critical)`,
    );
  }
  const flags = Number(flagsText);
  if ((flags & ~CAA_CRITICAL_FLAG) !== 0) {
    return fail(
      `has the flags ${flags}; only 0 and 128 (critical) are allowed, the other bits are reserved (RFC 8659)`,
    );
  }
  const tag = tagText.toLowerCase();
  if (!(CAA_TAGS as readonly string[]).includes(tag)) {
    return fail(`has the tag "${tagText}"; a CAA tag is one of ${CAA_TAGS.join(', ')}`);
  }
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) {
    return fail(`must have its value in double quotes, as in ${flags} ${tag} "letsencrypt.org"`);
  }
  const value = quoted.slice(1, -1);
  if (!TXT_CHARS.test(value) || /["\\]/.test(value)) {
    return fail('must have a value of printable ASCII characters without quotes or backslashes');
  }
  const problem = tag === 'iodef' ? iodefProblem(value) : issuerProblem(value);
  return problem ? fail(problem) : ok(`${flags} ${tag} "${value}"`);
}

/** RFC 8659 4.2: an issuer domain name, parameters, both, or neither (no CA may issue). */
function issuerProblem(value: string): string | undefined {
  const [domain = '', ...parameters] = value.split(';').map((part) => part.trim());
  if (domain !== '') {
    const labels = domain.split('.');
    if (labels.length < 2 || labels.some((label) => !CAA_LABEL.test(label))) {
      return `names the issuer "${domain}"; an issuer is a CA's domain name such as letsencrypt.org, or ";" for none`;
    }
  }
  // "letsencrypt.org;" and ";" end with an empty parameter list, which the grammar allows.
  const list = parameters.length === 1 && parameters[0] === '' ? [] : parameters;
  const bad = list.find((parameter) => !CAA_PARAMETER.test(parameter));
  return bad === undefined
    ? undefined
    : `has the parameter "${bad}"; parameters are name=value, separated by ";"`;
}

/** RFC 8659 4.4: where a CA reports a refused request, a mailto: or http(s): URL. */
function iodefProblem(value: string): string | undefined {
  const refused =
    'must be a mailto: or https:// URL for iodef, such as "mailto:security@example.com"';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refused;
  }
  if (url.protocol === 'mailto:') {
    return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(url.pathname) ? undefined : refused;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
    ? undefined
    : refused;
}

/**
 * RFC 2782: an SRV record lives at `_service._proto.<name>`; its name here starts with those two
 * labels, as in `_sip._tcp` or `_minecraft._tcp.games`.
 */
export function checkSrvName(name: string): Check<string> {
  const [service, proto] = name.split('.');
  return service?.startsWith('_') && proto?.startsWith('_')
    ? ok(name)
    : fail(
        'must start with _service._protocol for an SRV record (RFC 2782), as in "_sip._tcp" or "_minecraft._tcp.games"',
      );
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
