import type { DnsRecord } from '@starchart/api-client';

/** The value as it reads in DNS: an MX record's priority comes first. */
export function displayValue(record: Pick<DnsRecord, 'type' | 'value' | 'priority'>): string {
  return record.type === 'MX' && record.priority !== null
    ? `${record.priority} ${record.value}`
    : record.value;
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
