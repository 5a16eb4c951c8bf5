import type { Notice } from '@starchart/flow-runtime';

/** A mail's words: one subject, the same paragraphs and links as plain text and as HTML. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Link {
  label: string;
  url: string;
}

interface MailContent {
  subject: string;
  paragraphs: string[];
  links: Link[];
}

/** Where a person changes which mails they get. */
export const PREFERENCES_PATH = '/settings/notifications';

const day = (iso: string): string => new Date(iso).toUTCString();

/** The words of each kind of notice, with links into the web portal at `webUrl`. */
export function renderNotice(notice: Notice, webUrl: string): RenderedMail {
  const content = contentOf(notice, webUrl);
  const footer =
    `You get this mail because you have records or a certificate on Starchart. ` +
    `Choose which mails you get: ${webUrl}${PREFERENCES_PATH}`;
  const text = [
    ...content.paragraphs,
    ...content.links.map((link) => `${link.label}: ${link.url}`),
    '--',
    footer,
  ].join('\n\n');
  const html = [
    '<!doctype html><html><body>',
    ...content.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...content.links.map(
      (link) => `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`,
    ),
    `<hr><p><small>You get this mail because you have records or a certificate on Starchart. ` +
      `<a href="${escapeHtml(webUrl + PREFERENCES_PATH)}">Choose which mails you get</a>.</small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject: `[Starchart] ${content.subject}`, text, html };
}

function contentOf(notice: Notice, webUrl: string): MailContent {
  switch (notice.kind) {
    case 'record-failed':
      return {
        subject: `Your record ${notice.fqdn} (${notice.type}) failed`,
        paragraphs: [
          `The last change to your ${notice.type} record ${notice.fqdn} could not be made.`,
          `Reason: ${notice.reason}`,
        ],
        links: [{ label: 'See the record', url: recordUrl(webUrl, notice.recordId) }],
      };
    case 'record-expiring':
      return {
        subject: `Your record ${notice.fqdn} expires on ${notice.expiresAt.slice(0, 10)}`,
        paragraphs: [
          `Your ${notice.type} record ${notice.fqdn} expires on ${day(notice.expiresAt)} and is then removed from DNS.`,
          'Renew it to keep it: one click is enough.',
        ],
        links: [
          { label: 'Renew the record', url: `${recordUrl(webUrl, notice.recordId)}?renew=1` },
          { label: 'See the record', url: recordUrl(webUrl, notice.recordId) },
        ],
      };
    case 'record-removed':
      return {
        subject: `Your record ${notice.fqdn} expired and is removed`,
        paragraphs: [
          `Your ${notice.type} record ${notice.fqdn} expired on ${day(notice.expiresAt)} without a renew, so it is being removed from DNS.`,
          'Create it again if you still need it.',
        ],
        links: [{ label: 'Your records', url: `${webUrl}/records` }],
      };
    case 'certificate-issued':
      return {
        subject: `Your certificate for ${notice.domains.join(', ')} is ready`,
        paragraphs: [
          `Your certificate for ${notice.domains.join(', ')} is issued and valid until ${day(notice.validTo)}.`,
          'Download it and its key from the certificate page.',
        ],
        links: [{ label: 'Your certificate', url: `${webUrl}/certificate` }],
      };
    case 'certificate-failed':
      return {
        subject: `Your certificate for ${notice.domains.join(', ')} could not be issued`,
        paragraphs: [
          `The order of your certificate for ${notice.domains.join(', ')} failed.`,
          `Reason: ${notice.reason}`,
        ],
        links: [{ label: 'Your certificate', url: `${webUrl}/certificate` }],
      };
    case 'certificate-renewal-failed':
      return {
        subject: `Your certificate for ${notice.domains.join(', ')} could not be renewed`,
        paragraphs: [
          `The renewal of your certificate for ${notice.domains.join(', ')} failed.`,
          `Reason: ${notice.reason}`,
          `Your current certificate stays valid until ${day(notice.validTo)}.`,
        ],
        links: [{ label: 'Your certificate', url: `${webUrl}/certificate` }],
      };
    case 'certificate-expiring':
      return {
        subject: `Your certificate for ${notice.domains.join(', ')} expires soon`,
        paragraphs: [
          `Your certificate for ${notice.domains.join(', ')} expires on ${day(notice.validTo)}, and no renewal has succeeded.`,
          'Order a new one from the certificate page.',
        ],
        links: [{ label: 'Your certificate', url: `${webUrl}/certificate` }],
      };
    case 'certificate-revocation-failed':
      return {
        subject: `Your certificate for ${notice.domains.join(', ')} was not revoked`,
        paragraphs: [
          `You deleted your certificate for ${notice.domains.join(', ')}, but the CA did not revoke it, so it was NOT deleted.`,
          `Reason: ${notice.reason}`,
          `It is still valid until ${day(notice.validTo)}, and Starchart keeps serving it.`,
          'Delete it again from the certificate page later to try again, or ask an admin for help.',
        ],
        links: [{ label: 'Your certificate', url: `${webUrl}/certificate` }],
      };
  }
}

function recordUrl(webUrl: string, recordId: string): string {
  return `${webUrl}/records/${encodeURIComponent(recordId)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
