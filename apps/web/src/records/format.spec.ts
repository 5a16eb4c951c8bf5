import { describe, expect, it } from 'vitest';
import { aRecord } from '../test-support/fake-api';
import { displayValue } from './format';

describe('a record value as it reads in DNS', () => {
  it('puts the priority of an MX, and the priority, weight and port of an SRV, first', () => {
    expect(displayValue(aRecord({ type: 'MX', value: 'mail.example.com', priority: 10 }))).toBe(
      '10 mail.example.com',
    );
    expect(
      displayValue(
        aRecord({ type: 'SRV', value: 'sip.example.com', priority: 10, weight: 5, port: 5060 }),
      ),
    ).toBe('10 5 5060 sip.example.com');
  });

  it('shows A, TXT and CAA values as they are', () => {
    expect(displayValue(aRecord({ type: 'A', value: '192.0.2.10' }))).toBe('192.0.2.10');
    expect(displayValue(aRecord({ type: 'CAA', value: '0 issue "letsencrypt.org"' }))).toBe(
      '0 issue "letsencrypt.org"',
    );
  });
});
