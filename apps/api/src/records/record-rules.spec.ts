import { MAX_RECORD_VALUE_LENGTH } from '@starchart/persistence';
import { TXT_MAX_LENGTH } from '@starchart/record-rules';
import {
  checkFqdnLength,
  checkHostname,
  checkName,
  checkRelativeName,
  checkSrvName,
  checkValue,
  toFqdn,
} from './record-rules';

const accepted = (check: { ok: boolean; value?: string }): string | undefined =>
  check.ok ? check.value : undefined;

// The shared rules' own cases (labels, host names, CAA, SRV names) are in libs/record-rules;
// these pin the api's wording for missing input, its address checks and full names.
describe('record names', () => {
  it.each([
    ['www', 'www'],
    ['WWW', 'www'],
    ['  Api  ', 'api'],
    ['a.b', 'a.b'],
    ['_dmarc', '_dmarc'],
    ['_sip._tcp', '_sip._tcp'],
    ['*', '*'],
    ['*.dev', '*.dev'],
    ['@', '@'],
    ['x1-2y', 'x1-2y'],
  ])('accepts %j as %j', (input, expected) => {
    expect(accepted(checkName(input))).toBe(expected);
  });

  it.each([
    ['', 'must not be empty'],
    ['www.', 'must not end with a dot'],
    ['a..b', 'empty label'],
    ['dev.*', 'whole leftmost label'],
  ])('refuses %j because it %s', (input, reason) => {
    const check = checkName(input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain(reason);
  });

  it('allows labels of 63 characters and refuses 64', () => {
    expect(checkName(`${'a'.repeat(63)}.b`).ok).toBe(true);
    const refused = checkName(`${'a'.repeat(64)}.b`);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain('at most 63');
  });
});

describe('full names', () => {
  it('puts the name inside the user zone, and @ is the zone itself', () => {
    expect(toFqdn('www', 'alice', 'example.com')).toBe('www.alice.example.com');
    expect(toFqdn('@', 'alice', 'example.com')).toBe('alice.example.com');
  });

  it('refuses a full name ending in the root domain, and keeps names that merely contain it', () => {
    expect(checkRelativeName('www.bob.example.com', 'example.com').ok).toBe(false);
    expect(checkRelativeName('example.com', 'example.com').ok).toBe(false);
    expect(checkRelativeName('www.bob', 'example.com').ok).toBe(true);
    expect(checkRelativeName('example.com.dev', 'example.com').ok).toBe(true);
    expect(checkRelativeName('myexample.com', 'example.com').ok).toBe(true);
  });

  it('allows 253 characters and refuses 254', () => {
    const name253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(name253).toHaveLength(253);
    expect(checkFqdnLength(name253).ok).toBe(true);
    const refused = checkFqdnLength(`${name253}e`);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain('at most 253');
  });
});

describe('record values', () => {
  it.each([
    ['A', '192.0.2.10', '192.0.2.10'],
    ['A', ' 10.0.0.1 ', '10.0.0.1'],
    ['AAAA', '2001:DB8::10', '2001:db8::10'],
    ['AAAA', '::1', '::1'],
    ['CNAME', 'Target.Example.com.', 'target.example.com'],
    ['CNAME', '_service.example.org', '_service.example.org'],
    ['MX', 'mail.example.com', 'mail.example.com'],
    ['TXT', 'v=spf1 -all', 'v=spf1 -all'],
    ['TXT', '"quoted" \\ text', '"quoted" \\ text'],
    ['SRV', 'Sip.Example.com.', 'sip.example.com'],
    ['SRV', '.', '.'],
    ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ['CAA', ' 128\tIssueWild   ";" ', '128 issuewild ";"'],
  ] as const)('accepts %s %j', (type, input, expected) => {
    expect(accepted(checkValue(type, input))).toBe(expected);
  });

  it.each([
    ['A', '2001:db8::1', 'IPv4'],
    ['A', '256.1.1.1', 'IPv4'],
    ['A', '01.2.3.4', 'IPv4'],
    ['A', 'example.com', 'IPv4'],
    ['AAAA', '192.0.2.1', 'IPv6'],
    ['AAAA', '2001:db8::g', 'IPv6'],
    ['CNAME', '192.0.2.1', 'not an IP address'],
    ['CNAME', 'localhost', 'fully qualified'],
    ['CNAME', '', 'host name'],
    ['MX', 'mail', 'fully qualified'],
    ['MX', '2001:db8::1', 'not an IP address'],
    ['TXT', '', 'must not be empty'],
    ['TXT', 'line\nbreak', 'printable ASCII'],
    ['SRV', 'sip', 'fully qualified'],
    ['SRV', '192.0.2.1', 'not an IP address'],
    ['CAA', 'issue "letsencrypt.org"', 'flags, a tag and a quoted value'],
    ['CAA', '256 issue "letsencrypt.org"', 'from 0 to 255'],
  ] as const)('refuses %s %j', (type, input, reason) => {
    const check = checkValue(type, input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain(reason);
  });

  it('allows TXT values as long as the stored column, 4000 characters, and refuses 4001', () => {
    expect(TXT_MAX_LENGTH).toBe(MAX_RECORD_VALUE_LENGTH);
    expect(checkValue('TXT', 'x'.repeat(4000)).ok).toBe(true);
    const refused = checkValue('TXT', 'x'.repeat(4001));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain('at most 4000');
  });

  it('refuses a host name longer than 253 characters', () => {
    expect(checkHostname(`${'a.'.repeat(127)}com`).ok).toBe(false);
  });
});

describe('SRV names', () => {
  it('want _service._protocol (the cases are in libs/record-rules)', () => {
    expect(checkSrvName('_sip._tcp')).toEqual({ ok: true, value: '_sip._tcp' });
    const check = checkSrvName('sip');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain('_service._protocol');
  });
});
