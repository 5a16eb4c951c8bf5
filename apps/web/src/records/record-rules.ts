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

export const RECORD_TYPES: readonly RecordType[] = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'MX',
  'SRV',
  'TXT',
];
const CAA_TAGS = ['issue', 'issuewild', 'iodef'];
const CAA_CRITICAL_FLAG = 128;
const CAA_FORMAT = /^([^ \t]+)[ \t]+([^ \t]+)[ \t]+(.*)$/;
const CAA_LABEL = /^[a-z0-9](?:-*[a-z0-9])*$/i;
const CAA_PARAMETER = /^[a-z0-9](?:-*[a-z0-9])*[ \t]*=[ \t]*[\x21-\x3a\x3c-\x7e]*$/i;

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

/** RFC 2782: an SRV record's name starts with _service._protocol. */
export function srvNameProblem(input: string): string | undefined {
  const [service, proto] = input.trim().toLowerCase().split('.');
  return service?.startsWith('_') && proto?.startsWith('_')
    ? undefined
    : 'must start with _service._protocol for an SRV record (RFC 2782), as in "_sip._tcp" or "_minecraft._tcp.games"';
}

function issuerProblem(value: string): string | undefined {
  const [domain = '', ...parameters] = value.split(';').map((part) => part.trim());
  if (domain !== '') {
    const labels = domain.split('.');
    if (labels.length < 2 || labels.some((label) => !CAA_LABEL.test(label)))
      return `names the issuer "${domain}"; an issuer is a CA's domain name such as letsencrypt.org, or ";" for none`;
  }
  const list = parameters.length === 1 && parameters[0] === '' ? [] : parameters;
  const bad = list.find((parameter) => !CAA_PARAMETER.test(parameter));
  return bad === undefined
    ? undefined
    : `has the parameter "${bad}"; parameters are name=value, separated by ";"`;
}

function iodefProblem(value: string): string | undefined {
  const refused =
    'must be a mailto: or https:// URL for iodef, such as "mailto:security@example.com"';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refused;
  }
  if (url.protocol === 'mailto:')
    return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(url.pathname) ? undefined : refused;
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
    ? undefined
    : refused;
}

/** RFC 8659: flags (0, or 128 for critical), a tag and a quoted value. */
function caaProblem(input: string): string | undefined {
  const match = CAA_FORMAT.exec(input.trim());
  const [, flagsText = '', tagText = '', quoted = ''] = match ?? [];
  if (!match) return 'must be flags, a tag and a quoted value, such as 0 issue "letsencrypt.org"';
  if (!/^[0-9]{1,3}$/.test(flagsText) || Number(flagsText) > 255)
    return `has the flags "${flagsText}"; flags are a number from 0 to 255 (0, or 128 for critical)`;
  const flags = Number(flagsText);
  if ((flags & ~CAA_CRITICAL_FLAG) !== 0)
    return `has the flags ${flags}; only 0 and 128 (critical) are allowed, the other bits are reserved (RFC 8659)`;
  const tag = tagText.toLowerCase();
  if (!CAA_TAGS.includes(tag))
    return `has the tag "${tagText}"; a CAA tag is one of ${CAA_TAGS.join(', ')}`;
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"'))
    return `must have its value in double quotes, as in ${flags} ${tag} "letsencrypt.org"`;
  const value = quoted.slice(1, -1);
  if (!TXT_CHARS.test(value) || /["\\]/.test(value))
    return 'must have a value of printable ASCII characters without quotes or backslashes';
  return tag === 'iodef' ? iodefProblem(value) : issuerProblem(value);
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
    case 'SRV':
      return input.trim() === '.' ? undefined : hostnameProblem(input);
    case 'CAA':
      return caaProblem(input);
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
/** An SRV record's weight or port: 16 bits, as its priority. */
export const uint16Problem = priorityProblem;
