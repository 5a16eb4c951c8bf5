import { isIPv4, isIPv6 } from 'node:net';
import { DomainName, DomainNameError, parseDomainName } from './names';

/** Route 53's RRType enum: anything else is refused as invalid input. */
export const ROUTE53_RECORD_TYPES = [
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
] as const;
export type Route53RecordType = (typeof ROUTE53_RECORD_TYPES)[number];

/** The types this emulator validates, stores and serves over DNS. */
export const SUPPORTED_RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'MX',
  'NS',
  'PTR',
  'SOA',
  'SRV',
  'TXT',
] as const;
export type RecordType = (typeof SUPPORTED_RECORD_TYPES)[number];

export function isRoute53RecordType(value: string): value is Route53RecordType {
  return (ROUTE53_RECORD_TYPES as readonly string[]).includes(value);
}

export function isSupportedRecordType(value: string): value is RecordType {
  return (SUPPORTED_RECORD_TYPES as readonly string[]).includes(value);
}

export type CaaTag = 'issue' | 'issuewild' | 'iodef';

export type RecordData =
  | { readonly type: 'A' | 'AAAA'; readonly address: string }
  | { readonly type: 'CNAME' | 'NS' | 'PTR'; readonly target: DomainName }
  | { readonly type: 'MX'; readonly preference: number; readonly exchange: DomainName }
  | { readonly type: 'TXT'; readonly strings: readonly Buffer[] }
  | { readonly type: 'CAA'; readonly flags: number; readonly tag: CaaTag; readonly value: string }
  | {
      readonly type: 'SRV';
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: DomainName;
    }
  | {
      readonly type: 'SOA';
      readonly mname: DomainName;
      readonly rname: DomainName;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    };

/** A value Route 53 would refuse; the message has Route 53's "FATAL problem" wording. */
export class RecordValueError extends Error {
  constructor(problem: string, description: string, value: string) {
    super(`FATAL problem: ${problem} (${description}) encountered with '${value}'`);
    this.name = 'RecordValueError';
  }
}

/** Route 53 caps each character-string of a TXT value at 255 characters, as DNS does. */
const MAX_CHARACTER_STRING = 255;
const UINT16 = 0xffff;
const UINT32 = 0xffffffff;

export function parseRecordValue(type: RecordType, value: string): RecordData {
  switch (type) {
    case 'A':
      if (!isIPv4(value)) {
        throw new RecordValueError(
          'ARRDATAIllegalIPv4Address',
          'Value is not a valid IPv4 address',
          value,
        );
      }
      return { type, address: value };
    case 'AAAA':
      if (!isIPv6(value) || value.includes('%')) {
        throw new RecordValueError(
          'AAAARRDATAIllegalIPv6Address',
          'Value is not a valid IPv6 address',
          value,
        );
      }
      return { type, address: value };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type, target: domainValue(value) };
    case 'MX':
      return parseMx(value);
    case 'TXT':
      return { type, strings: parseCharacterStrings(value) };
    case 'CAA':
      return parseCaa(value);
    case 'SRV':
      return parseSrv(value);
    case 'SOA':
      return parseSoa(value);
  }
}

function domainValue(value: string): DomainName {
  try {
    return parseDomainName(value);
  } catch (error) {
    if (error instanceof DomainNameError) {
      throw new RecordValueError(error.problem, error.description, value);
    }
    throw error;
  }
}

function fields(value: string): string[] {
  return value.trim().split(/[ \t]+/);
}

function integer(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function parseMx(value: string): RecordData {
  const [priority, exchange, ...rest] = fields(value);
  const preference = integer(priority, UINT16);
  if (preference === undefined || exchange === undefined || rest.length > 0) {
    throw new RecordValueError(
      'MXRRDATAIncorrectFormat',
      'Value must be a priority from 0 to 65535 and a domain name',
      value,
    );
  }
  return { type: 'MX', preference, exchange: domainValue(exchange) };
}

function parseSrv(value: string): RecordData {
  const [p, w, po, target, ...rest] = fields(value);
  const priority = integer(p, UINT16);
  const weight = integer(w, UINT16);
  const port = integer(po, UINT16);
  if (
    priority === undefined ||
    weight === undefined ||
    port === undefined ||
    target === undefined ||
    rest.length > 0
  ) {
    throw new RecordValueError(
      'SRVRDATAIncorrectFormat',
      'Value must be priority, weight and port from 0 to 65535 and a domain name',
      value,
    );
  }
  return { type: 'SRV', priority, weight, port, target: domainValue(target) };
}

function parseSoa(value: string): RecordData {
  const parts = fields(value);
  const numbers = parts.slice(2).map((p) => integer(p, UINT32));
  const [serial, refresh, retry, expire, minimum] = numbers;
  const [mname, rname] = parts;
  if (
    parts.length !== 7 ||
    mname === undefined ||
    rname === undefined ||
    serial === undefined ||
    refresh === undefined ||
    retry === undefined ||
    expire === undefined ||
    minimum === undefined
  ) {
    throw new RecordValueError(
      'SOARDATAIncorrectFormat',
      'Value must be a primary name server, a mailbox and five 32-bit numbers',
      value,
    );
  }
  return {
    type: 'SOA',
    mname: domainValue(mname),
    rname: domainValue(rname),
    serial,
    refresh,
    retry,
    expire,
    minimum,
  };
}

function parseCaa(value: string): RecordData {
  const match = /^\s*([0-9]{1,3})[ \t]+([A-Za-z0-9]+)[ \t]+(".*)$/.exec(value);
  const flags = integer(match?.[1], 0xff);
  const tag = match?.[2]?.toLowerCase();
  const quoted = match?.[3];
  if (flags === undefined || quoted === undefined || !isCaaTag(tag)) {
    throw new RecordValueError(
      'CAARDATAIncorrectFormat',
      'Value must be flags from 0 to 255, a tag (issue, issuewild or iodef) and a quoted value',
      value,
    );
  }
  const strings = parseCharacterStrings(quoted);
  const [only] = strings;
  if (only === undefined || strings.length !== 1) {
    throw new RecordValueError(
      'CAARDATAIncorrectFormat',
      'The value of a CAA record must be one quoted string',
      value,
    );
  }
  return { type: 'CAA', flags, tag, value: only.toString('latin1') };
}

function isCaaTag(tag: string | undefined): tag is CaaTag {
  return tag === 'issue' || tag === 'issuewild' || tag === 'iodef';
}

/**
 * Quoted character-strings separated by blanks, as Route 53 takes TXT values: `\"` and `\\`
 * stand for themselves and `\ooo` is an octal octet.
 */
export function parseCharacterStrings(value: string): Buffer[] {
  const unquoted = () =>
    new RecordValueError(
      'InvalidCharacterString',
      'Value should be enclosed in quotation marks',
      value,
    );
  const strings: Buffer[] = [];
  let i = 0;
  const skipBlanks = () => {
    while (value[i] === ' ' || value[i] === '\t') i += 1;
  };
  skipBlanks();
  if (i === value.length) throw unquoted();
  while (i < value.length) {
    if (value[i] !== '"') throw unquoted();
    i += 1;
    const octets: number[] = [];
    for (;;) {
      const ch = value[i];
      if (ch === undefined) throw unquoted();
      if (ch === '"') {
        i += 1;
        break;
      }
      if (ch === '\\') {
        const octal = value.slice(i + 1, i + 4);
        if (/^[0-3][0-7]{2}$/.test(octal)) {
          octets.push(parseInt(octal, 8));
          i += 4;
          continue;
        }
        if (i + 1 >= value.length) throw unquoted();
        i = pushCharacter(value, i + 1, octets);
        continue;
      }
      i = pushCharacter(value, i, octets);
    }
    if (octets.length > MAX_CHARACTER_STRING) {
      throw new RecordValueError('TXTRDATATooLong', 'Value is too long', value);
    }
    strings.push(Buffer.from(octets));
    const before = i;
    skipBlanks();
    if (i < value.length && i === before) throw unquoted();
  }
  return strings;
}

/** Appends the UTF-8 octets of the character at `index` and returns the index after it. */
function pushCharacter(value: string, index: number, octets: number[]): number {
  const char = String.fromCodePoint(value.codePointAt(index) ?? 0);
  octets.push(...Buffer.from(char, 'utf8'));
  return index + char.length;
}
