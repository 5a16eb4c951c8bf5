import { NOTICE_KINDS, type Notice, type NoticeKind } from '@starchart/flow-runtime';
import { renderNotice } from './render';

const WEB = 'https://starchart.example.test';
const record = { username: 'alice', recordId: 'r1', fqdn: 'www.alice.example.test', type: 'A' };
const certificate = {
  username: 'alice',
  certificateId: 'c1',
  domains: ['alice.example.test', '*.alice.example.test'],
};

const EXAMPLES: { readonly [K in NoticeKind]: Extract<Notice, { kind: K }> } = {
  'record-failed': { kind: 'record-failed', ...record, version: 2, reason: 'Route 53 said no' },
  'record-expiring': {
    kind: 'record-expiring',
    ...record,
    expiresAt: '2027-01-01T00:00:00.000Z',
    daysBefore: 7,
  },
  'record-removed': { kind: 'record-removed', ...record, expiresAt: '2027-01-01T00:00:00.000Z' },
  'certificate-issued': {
    kind: 'certificate-issued',
    ...certificate,
    validTo: '2027-03-01T00:00:00.000Z',
  },
  'certificate-failed': {
    kind: 'certificate-failed',
    ...certificate,
    flowId: 'issue-c1-v1-cleanup-challenge',
    reason: 'the CA could not validate',
  },
  'certificate-renewal-failed': {
    kind: 'certificate-renewal-failed',
    ...certificate,
    flowId: 'renew-c1-1-cleanup-challenge',
    reason: 'the CA could not validate',
    validTo: '2027-03-01T00:00:00.000Z',
  },
  'certificate-expiring': {
    kind: 'certificate-expiring',
    ...certificate,
    validTo: '2027-03-01T00:00:00.000Z',
  },
  'certificate-revocation-failed': {
    kind: 'certificate-revocation-failed',
    ...certificate,
    flowId: 'delete-c1-v3',
    reason: '403 urn:ietf:params:acme:error:unauthorized',
    validTo: '2027-03-01T00:00:00.000Z',
  },
};

describe('renderNotice', () => {
  it.each(NOTICE_KINDS)(
    '%s: a subject, plain text and HTML with the portal link and how to change preferences',
    (kind) => {
      const mail = renderNotice(EXAMPLES[kind], WEB);
      expect(mail.subject).toMatch(/^\[Starchart\] \S/);
      for (const body of [mail.text, mail.html]) {
        expect(body).toContain(`${WEB}/settings/notifications`);
        expect(body).toMatch(new RegExp(`${WEB}/(records|certificate)`));
      }
      expect(mail.html).toMatch(/^<!doctype html>/);
    },
  );

  it('gives an expiring record a one-click renew link, and names the reason of a failure', () => {
    const expiring = renderNotice(EXAMPLES['record-expiring'], WEB);
    expect(expiring.text).toContain(`${WEB}/records/r1?renew=1`);
    expect(expiring.html).toContain(`href="${WEB}/records/r1?renew=1"`);
    expect(renderNotice(EXAMPLES['record-failed'], WEB).text).toContain('Route 53 said no');
    expect(renderNotice(EXAMPLES['certificate-renewal-failed'], WEB).text).toContain(
      'stays valid until Mon, 01 Mar 2027',
    );
    const refused = renderNotice(EXAMPLES['certificate-revocation-failed'], WEB);
    expect(refused.subject).toBe(
      '[Starchart] Your certificate for alice.example.test, *.alice.example.test was not revoked',
    );
    expect(refused.text).toContain('was NOT deleted');
    expect(refused.text).toContain('Reason: 403 urn:ietf:params:acme:error:unauthorized');
    expect(refused.text).toContain('still valid until Mon, 01 Mar 2027');
    expect(refused.text).toContain('Delete it again from the certificate page later');
    expect(refused.text).toContain(`${WEB}/certificate`);
  });

  it('escapes what people typed in the HTML part', () => {
    const mail = renderNotice({ ...EXAMPLES['record-failed'], reason: '<script>x</script>' }, WEB);
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('<script>x</script>');
  });
});
