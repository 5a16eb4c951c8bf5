import { describe, expect, it } from 'vitest';
import { nameProblem, priorityProblem, ttlProblem, valueProblem } from './record-rules';

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
  });

  it('checks TTL and priority ranges', () => {
    expect(ttlProblem('60')).toBeUndefined();
    expect(ttlProblem('59')).toBeDefined();
    expect(ttlProblem('86401')).toBeDefined();
    expect(ttlProblem('1.5')).toBeDefined();
    expect(priorityProblem('0')).toBeUndefined();
    expect(priorityProblem('65536')).toBeDefined();
  });
});
