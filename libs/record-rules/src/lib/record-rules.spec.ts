import {
  APEX_NAME,
  CAA_TAGS,
  checkCaaValue,
  FQDN_MAX_LENGTH,
  hostnameProblem,
  LABEL_MAX_LENGTH,
  labelProblem,
  PRIORITY_MAX,
  PRIORITY_MIN,
  relativeNameProblem,
  srvNameProblem,
  TTL_DEFAULT,
  TTL_MAX,
  TTL_MIN,
  TXT_MAX_LENGTH,
  txtProblem,
} from './record-rules';

// The rules the api enforces and the web portal checks before sending. The examples are those
// of both apps' former copies (apps/api and apps/web record-rules.spec.ts); each app's spec
// keeps what it adds: its wording for missing input, its IP address checks, full names.

describe('the bounds', () => {
  it('are those of Route 53 and RFC 1035', () => {
    expect([TTL_MIN, TTL_MAX, TTL_DEFAULT]).toEqual([60, 86_400, 300]);
    expect([PRIORITY_MIN, PRIORITY_MAX]).toEqual([0, 65_535]);
    expect(TXT_MAX_LENGTH).toBe(4_000);
    expect([FQDN_MAX_LENGTH, LABEL_MAX_LENGTH]).toEqual([253, 63]);
    expect(APEX_NAME).toBe('@');
    expect(CAA_TAGS).toEqual(['issue', 'issuewild', 'iodef']);
  });
});

describe('relative record names', () => {
  it.each(['www', 'a.b', '_dmarc', '_sip._tcp', '*', '*.dev', '@', 'x1-2y'])(
    'accepts %j',
    (name) => {
      expect(relativeNameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ['www.', 'must not end with a dot'],
    ['a..b', 'empty label'],
    ['.www', 'empty label'],
    ['-www', 'starting or ending with a hyphen'],
    ['www-', 'starting or ending with a hyphen'],
    ['_-x', 'starting or ending with a hyphen'],
    ['ww_w', '"_" after its first character'],
    ['a_b', '"_" after its first character'],
    ['_', 'nothing after "_"'],
    ['wö', 'a character other than'],
    ['é', 'a character other than'],
    ['a b', 'a character other than'],
    ['a/b', 'a character other than'],
    ['a*', 'whole leftmost label'],
    ['x.*', 'whole leftmost label'],
    ['dev.*', 'whole leftmost label'],
    ['*dev', 'whole leftmost label'],
    ['*.*', 'whole leftmost label'],
  ])('refuses %j because it %s', (name, reason) => {
    expect(relativeNameProblem(name)).toContain(reason);
  });

  it('allows labels of 63 characters and refuses 64', () => {
    expect(relativeNameProblem(`${'a'.repeat(63)}.b`)).toBeUndefined();
    expect(relativeNameProblem(`${'a'.repeat(64)}.b`)).toBe(
      `has the label "${'a'.repeat(20)}…" of 64 characters; a label has at most 63`,
    );
  });

  it('checks one label', () => {
    expect(labelProblem('www')).toBeUndefined();
    expect(labelProblem('')).toBe('has an empty label (two dots in a row, or a dot at an end)');
  });
});

describe('target host names', () => {
  it.each(['target.example.com', '_service.example.org', 'mail.example.com', 'sip.example.com'])(
    'accepts %j',
    (host) => {
      expect(hostnameProblem(host)).toBeUndefined();
    },
  );

  it.each([
    ['localhost', 'fully qualified'],
    ['mail', 'fully qualified'],
    ['sip', 'fully qualified'],
    ['a..b.com', 'empty label'],
    ['-a.example.com', 'hyphen'],
    ['example.123', 'top-level domain'],
  ])('refuses %j because it is not %s', (host, reason) => {
    expect(hostnameProblem(host)).toContain(reason);
  });

  it('refuses a host name longer than 253 characters', () => {
    expect(hostnameProblem(`${'a.'.repeat(127)}com`)).toBe('must be at most 253 characters long');
  });
});

describe('TXT values', () => {
  it.each(['v=spf1 -all', '"quoted" \\ text', 'x'.repeat(4_000)])('accepts %j', (value) => {
    expect(txtProblem(value)).toBeUndefined();
  });

  it.each([
    ['line\nbreak', 'printable ASCII'],
    ['tab\there', 'printable ASCII'],
    ['emoji 🙂', 'printable ASCII'],
    ['x'.repeat(4_001), 'is 4001 characters long; a TXT value has at most 4000'],
  ])('refuses %j: %s', (value, reason) => {
    expect(txtProblem(value)).toContain(reason);
  });
});

describe('CAA values', () => {
  it.each([
    ['0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    [' 128\tIssueWild   ";" ', '128 issuewild ";"'],
    ['128 issuewild ";"', '128 issuewild ";"'],
    ['0 issue ""', '0 issue ""'],
    [
      '0 issue "letsencrypt.org; validationmethods=dns-01"',
      '0 issue "letsencrypt.org; validationmethods=dns-01"',
    ],
    ['0 issue "letsencrypt.org;"', '0 issue "letsencrypt.org;"'],
    ['0 iodef "mailto:security@example.com"', '0 iodef "mailto:security@example.com"'],
    ['0 iodef "https://iodef.example.com/report"', '0 iodef "https://iodef.example.com/report"'],
    ['0 iodef "https://example.com/iodef"', '0 iodef "https://example.com/iodef"'],
  ])('accepts %j as %j', (input, expected) => {
    expect(checkCaaValue(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['issue "letsencrypt.org"', 'flags, a tag and a quoted value'],
    ['256 issue "letsencrypt.org"', 'from 0 to 255'],
    ['-1 issue "letsencrypt.org"', 'from 0 to 255'],
    ['1 issue "letsencrypt.org"', 'reserved'],
    ['0 contactemail "a@example.com"', 'one of issue, issuewild, iodef'],
    ['0 issuemail "x.org"', 'one of issue, issuewild, iodef'],
    ['0 issue letsencrypt.org', 'double quotes'],
    ['0 issue "letsencrypt.org', 'double quotes'],
    ['0 issue "lets"encrypt.org"', 'without quotes'],
    ['0 issue "letsencrypt"', 'issuer'],
    ['0 issue "lets encrypt.org"', 'issuer'],
    ['0 issue "letsencrypt.org; dns-01"', 'parameter'],
    ['0 iodef "security@example.com"', 'mailto:'],
    ['0 iodef "mailto:nobody"', 'mailto:'],
    ['0 iodef "ftp://example.com/x"', 'mailto:'],
    ['0 iodef "javascript:alert(1)"', 'mailto:'],
  ])('refuses %j because of %s', (input, reason) => {
    const check = checkCaaValue(input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain(reason);
  });
});

describe('SRV names', () => {
  it.each(['_sip._tcp', '_minecraft._tcp.games', '_xmpp-server._tcp', '_SIP._TCP'])(
    'accepts %j',
    (name) => {
      expect(srvNameProblem(name)).toBeUndefined();
    },
  );

  it.each(['sip', '_sip', 'sip._tcp', '_sip.tcp', '@', '*._tcp'])('refuses %j', (name) => {
    expect(srvNameProblem(name)).toContain('_service._protocol');
  });
});
