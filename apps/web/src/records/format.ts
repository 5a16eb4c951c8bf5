import type { DnsRecord } from '@starchart/api-client';

/** The value as it reads in DNS: an MX record's priority first, an SRV's priority, weight and port. */
export function displayValue(
  record: Pick<DnsRecord, 'type' | 'value' | 'priority' | 'weight' | 'port'>,
): string {
  if (record.type === 'MX' && record.priority !== null) return `${record.priority} ${record.value}`;
  if (record.type === 'SRV' && record.priority !== null)
    return `${record.priority} ${record.weight ?? 0} ${record.port ?? 0} ${record.value}`;
  return record.value;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

export function formatDateTime(iso: string): string {
  return absolute.format(new Date(iso));
}

/** "3 minutes ago", "yesterday": how long since `iso`. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const elapsed = new Date(iso).getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) return relative.format(Math.round(elapsed / ms), unit);
  }
  return 'just now';
}

/** Records this close to their expiry are flagged: the first warning mail goes out then. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

/** Whether the record expires within EXPIRY_WARNING_DAYS (or has expired). */
export function expiresSoon(expiresAt: string, now: number = Date.now()): boolean {
  return new Date(expiresAt).getTime() - now < EXPIRY_WARNING_DAYS * DAY_MS;
}

const dateOnly = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}
