/**
 * The record rules the api enforces and the web portal checks before sending, so a person hears
 * about a mistake early. Pure TypeScript: no Node or browser API beyond URL, so both bundle it.
 * Each side keeps its own wording for a missing input and its own IP address checks.
 */
export const TTL_MIN = 60;
export const TTL_MAX = 86_400;
export const TTL_DEFAULT = 300;
export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 65_535;
/** The width of the stored value (MAX_RECORD_VALUE_LENGTH in @starchart/persistence). */
export const TXT_MAX_LENGTH = 4_000;
// RFC 1035: 255 octets on the wire is 253 characters written without the trailing dot.
export const FQDN_MAX_LENGTH = 253;
export const LABEL_MAX_LENGTH = 63;
/** The record name that means the user's own name, `<username>.<ROOT_DOMAIN>`. */
export const APEX_NAME = '@';

const LABEL_CHARS = /^[a-z0-9_-]+$/;
// Printable ASCII: what Route 53 stores in a TXT string without octal escapes.
const TXT_CHARS = /^[\x20-\x7e]*$/;

export type Check<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(message: string): Check<T> => ({ ok: false, message });

/**
 * Rules for one label: letters, digits and inner hyphens; an underscore only as the first
 * character (`_dmarc`, `_sip._tcp`), the convention of service and policy records.
 */
export function labelProblem(label: string): string | undefined {
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
 * Why a non-empty, trimmed, lower-case `name` cannot be a record name relative to the user's
 * zone (`www`, `_dmarc`, `a.b`, `*`, `*.dev` or `@`), or undefined.
 */
export function relativeNameProblem(name: string): string | undefined {
  if (name === APEX_NAME) return undefined;
  if (name.endsWith('.')) return 'is relative to your zone and must not end with a dot';
  const labels = name.split('.');
  for (const [index, label] of labels.entries()) {
    if (label === '*' && index === 0) continue;
    if (label.includes('*')) {
      return 'may only use "*" as its whole leftmost label, as in "*" or "*.dev"';
    }
    const problem = labelProblem(label);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why a non-empty, lower-case `host` without its trailing dot, which is no IP address, cannot
 * be a target host for CNAME, MX or SRV: absolute, at least two labels. Undefined if it can.
 */
export function hostnameProblem(host: string): string | undefined {
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

/**
 * RFC 2782: an SRV record lives at `_service._proto.<name>`; its name here starts with those two
 * labels, as in `_sip._tcp` or `_minecraft._tcp.games`. `name` is trimmed already.
 */
export function srvNameProblem(name: string): string | undefined {
  const [service, proto] = name.split('.');
  return service?.startsWith('_') && proto?.startsWith('_')
    ? undefined
    : 'must start with _service._protocol for an SRV record (RFC 2782), as in "_sip._tcp" or "_minecraft._tcp.games"';
}

/** Why a non-empty TXT value cannot be stored, or undefined. */
export function txtProblem(input: string): string | undefined {
  if (input.length > TXT_MAX_LENGTH) {
    return `is ${input.length} characters long; a TXT value has at most ${TXT_MAX_LENGTH}`;
  }
  return TXT_CHARS.test(input)
    ? undefined
    : 'may only contain printable ASCII characters (no line breaks, tabs or emoji)';
}

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
