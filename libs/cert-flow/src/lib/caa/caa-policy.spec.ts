import { type CaaLookup, type CaaRecord, caaProblem, checkCaa, relevantCaaSet } from './caa-policy';

const LE = ['letsencrypt.org'];

/** A DNS of CAA sets by exact name, recording every name asked. */
function zone(sets: Record<string, string[]>): { lookup: CaaLookup; asked: string[] } {
  const asked: string[] = [];
  const lookup: CaaLookup = (name) => {
    asked.push(name);
    return Promise.resolve((sets[name] ?? []).map(parse));
  };
  return { lookup, asked };
}

function parse(text: string): CaaRecord {
  const match = /^(\d+) (\S+) "(.*)"$/.exec(text);
  if (!match) throw new Error(`bad CAA in test: ${text}`);
  return { flags: Number(match[1]), tag: match[2] ?? '', value: match[3] ?? '' };
}

describe('relevantCaaSet (RFC 8659 tree climbing)', () => {
  it('climbs from the name to the top-level domain when no name has CAA', async () => {
    const { lookup, asked } = zone({});
    await expect(relevantCaaSet('alice.starchart.example.edu', lookup)).resolves.toBeNull();
    expect(asked).toEqual([
      'alice.starchart.example.edu',
      'starchart.example.edu',
      'example.edu',
      'edu',
    ]);
  });

  it('stops at the first name with a CAA set, and never looks further up', async () => {
    const { lookup, asked } = zone({
      'starchart.example.edu': ['0 issue "letsencrypt.org"'],
      'example.edu': ['0 issue "other-ca.example"'],
    });
    await expect(relevantCaaSet('alice.starchart.example.edu', lookup)).resolves.toEqual({
      at: 'starchart.example.edu',
      records: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }],
    });
    expect(asked).toEqual(['alice.starchart.example.edu', 'starchart.example.edu']);
  });

  it('starts a wildcard at the name below its "*." and ignores case and a trailing dot', async () => {
    const { lookup, asked } = zone({ 'alice.example.edu': ['0 issuewild ";"'] });
    await expect(relevantCaaSet('*.Alice.Example.edu.', lookup)).resolves.toMatchObject({
      at: 'alice.example.edu',
    });
    expect(asked).toEqual(['alice.example.edu']);
  });
});

describe('checkCaa', () => {
  it('allows any CA when no name up the tree has CAA', async () => {
    await expect(checkCaa('alice.example.edu', LE, zone({}).lookup)).resolves.toEqual({
      allowed: true,
      relevantAt: null,
    });
  });

  it('allows a CA named by an issue record, and names where it was found', async () => {
    const { lookup } = zone({ 'example.edu': ['0 issue "letsencrypt.org"'] });
    await expect(checkCaa('alice.example.edu', LE, lookup)).resolves.toEqual({
      allowed: true,
      relevantAt: 'example.edu',
    });
  });

  it('forbids a CA the relevant set does not name, saying where, what and for whom', async () => {
    const { lookup } = zone({ 'alice.example.edu': ['0 issue "other-ca.example"'] });
    await expect(checkCaa('alice.example.edu', LE, lookup)).resolves.toEqual({
      allowed: false,
      relevantAt: 'alice.example.edu',
      reason:
        'CAA at alice.example.edu forbids the CA letsencrypt.org to issue for alice.example.edu: ' +
        'it allows only 0 issue "other-ca.example"',
    });
  });

  it('lets a record on the name itself override a parent that forbids', async () => {
    const { lookup } = zone({
      'alice.example.edu': ['0 issue "letsencrypt.org"'],
      'example.edu': ['0 issue ";"'],
    });
    await expect(checkCaa('alice.example.edu', LE, lookup)).resolves.toMatchObject({
      allowed: true,
    });
  });

  it('lists every identity of the CA in its reason, and any one of them is enough', async () => {
    const { lookup } = zone({ 'example.edu': ['0 issue "pki.goog"'] });
    const decision = await checkCaa('a.example.edu', ['letsencrypt.org', 'sectigo.com'], lookup);
    expect(decision).toMatchObject({ allowed: false });
    if (!decision.allowed)
      expect(decision.reason).toContain('the CAs letsencrypt.org, sectigo.com');
    await expect(
      checkCaa('a.example.edu', ['letsencrypt.org', 'pki.goog'], lookup),
    ).resolves.toMatchObject({ allowed: true });
  });
});

describe('caaProblem (RFC 8659 4)', () => {
  const problem = (domain: string, records: string[], identities = LE) =>
    caaProblem(domain, records.map(parse), identities);

  it('forbids everyone with an empty issuer: ";" or ""', () => {
    expect(problem('a.example.edu', ['0 issue ";"'])).toContain('allows only 0 issue ";"');
    expect(problem('a.example.edu', ['0 issue ""'])).toBeDefined();
  });

  it('matches the issuer without case and ignores its other parameters', () => {
    expect(problem('a.example.edu', ['0 issue "LetsEncrypt.org"'])).toBeUndefined();
    expect(
      problem('a.example.edu', ['0 issue "letsencrypt.org; accounturi=https://x/acct/1"']),
    ).toBeUndefined();
  });

  it('honours validationmethods: dns-01 must be among them', () => {
    expect(
      problem('a.example.edu', ['0 issue "letsencrypt.org; validationmethods=dns-01,http-01"']),
    ).toBeUndefined();
    expect(
      problem('a.example.edu', ['0 issue "letsencrypt.org; validationmethods=http-01"']),
    ).toBeDefined();
  });

  it('allows when any one issue record names the CA', () => {
    expect(
      problem('a.example.edu', ['0 issue "other-ca.example"', '0 issue "letsencrypt.org"']),
    ).toBeUndefined();
  });

  it('does not restrict with only iodef records, or issuewild records for a plain name', () => {
    expect(problem('a.example.edu', ['0 iodef "mailto:sec@example.edu"'])).toBeUndefined();
    expect(problem('a.example.edu', ['0 issuewild ";"'])).toBeUndefined();
  });

  it('rules a wildcard by issuewild when there is one, else by issue', () => {
    expect(problem('*.a.example.edu', ['0 issue "letsencrypt.org"'])).toBeUndefined();
    expect(problem('*.a.example.edu', ['0 issue "other-ca.example"'])).toBeDefined();
    expect(
      problem('*.a.example.edu', ['0 issue "other-ca.example"', '0 issuewild "letsencrypt.org"']),
    ).toBeUndefined();
    expect(problem('*.a.example.edu', ['0 issue "letsencrypt.org"', '0 issuewild ";"'])).toContain(
      'allows only 0 issuewild ";"',
    );
  });

  it('forbids everyone with a critical record of a tag it does not know', () => {
    expect(problem('a.example.edu', ['0 issue "letsencrypt.org"', '128 tbs "x"'])).toContain(
      'the critical record 128 tbs "x" has a tag no CA may ignore',
    );
    // Not critical: ignored.
    expect(problem('a.example.edu', ['0 issue "letsencrypt.org"', '0 tbs "x"'])).toBeUndefined();
    // Critical and known: an ordinary record.
    expect(problem('a.example.edu', ['128 issue "letsencrypt.org"'])).toBeUndefined();
  });
});
