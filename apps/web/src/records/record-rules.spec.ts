import { describe, expect, it } from 'vitest';
import {
  nameProblem,
  priorityProblem,
  srvNameProblem,
  ttlProblem,
  uint16Problem,
  valueProblem,
} from './record-rules';

// The same examples as the api's own rule tests: the browser refuses what the api refuses.
describe("the browser's record rules", () => {
  it.each(['www', '_dmarc', 'a.b', '*', '*.dev', '@', 'WWW'])('accepts the name %s', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each(['', 'www.', 'a..b', 'a*', 'x.*', '-www', 'www-', 'a_b', 'é'])(
    'refuses the name "%s"',
    (name) => {
      expect(nameProblem(name)).toBeDefined();
    },
  );

  it('checks values per type', () => {
    expect(valueProblem('A', '192.0.2.10')).toBeUndefined();
    expect(valueProblem('A', '192.0.2.256')).toBeDefined();
    expect(valueProblem('A', '2001:db8::1')).toBeDefined();
    expect(valueProblem('AAAA', '2001:db8::10')).toBeUndefined();
    expect(valueProblem('AAAA', '2001:db8::g')).toBeDefined();
    expect(valueProblem('AAAA', '192.0.2.10')).toBeDefined();
    expect(valueProblem('CNAME', 'app.example.com.')).toBeUndefined();
    expect(valueProblem('CNAME', 'localhost')).toBeDefined();
    expect(valueProblem('MX', '192.0.2.10')).toBeDefined();
    expect(valueProblem('TXT', 'v=spf1 -all')).toBeUndefined();
    expect(valueProblem('TXT', 'tab\there')).toBeDefined();
    expect(valueProblem('TXT', 'x'.repeat(4_001))).toBeDefined();
    expect(valueProblem('SRV', 'sip.example.com')).toBeUndefined();
    expect(valueProblem('SRV', '.')).toBeUndefined();
    expect(valueProblem('SRV', '192.0.2.1')).toBeDefined();
  });

  it.each([
    '0 issue "letsencrypt.org"',
    '128 issuewild ";"',
    '0 issue "letsencrypt.org; validationmethods=dns-01"',
    '0 iodef "mailto:security@example.com"',
    '0 iodef "https://example.com/iodef"',
  ])('accepts the CAA value %s', (value) => {
    expect(valueProblem('CAA', value)).toBeUndefined();
  });

  it.each([
    ['256 issue "letsencrypt.org"', 'from 0 to 255'],
    ['1 issue "letsencrypt.org"', 'reserved'],
    ['0 issuemail "x.org"', 'one of issue, issuewild, iodef'],
    ['0 issue letsencrypt.org', 'double quotes'],
    ['0 issue "letsencrypt"', 'issuer'],
    ['0 iodef "javascript:alert(1)"', 'mailto:'],
  ])('refuses the CAA value %s', (value, reason) => {
    expect(valueProblem('CAA', value)).toContain(reason);
  });

  it('wants SRV names shaped _service._protocol', () => {
    expect(srvNameProblem('_sip._tcp')).toBeUndefined();
    expect(srvNameProblem('sip')).toContain('_service._protocol');
    expect(srvNameProblem('_sip')).toContain('_service._protocol');
  });

  it('checks TTL and priority ranges', () => {
    expect(ttlProblem('60')).toBeUndefined();
    expect(ttlProblem('59')).toBeDefined();
    expect(ttlProblem('86401')).toBeDefined();
    expect(ttlProblem('1.5')).toBeDefined();
    expect(priorityProblem('0')).toBeUndefined();
    expect(priorityProblem('65536')).toBeDefined();
    expect(uint16Problem('65535')).toBeUndefined();
    expect(uint16Problem('70000')).toBeDefined();
  });
});
