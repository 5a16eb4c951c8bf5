import { randomUUID } from 'node:crypto';
import {
  ariRenewalTime,
  DEFAULT_RENEWAL_RETRY,
  jitterShare,
  renewalRetryDelay,
  renewalTime,
  type RenewalTiming,
} from './renewal-schedule';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ISSUED = Date.parse('2026-09-01T08:00:00Z');
const timing: RenewalTiming = {
  lifetimeFraction: 2 / 3,
  jitterMs: 2 * DAY_MS,
  renewBeforeDays: 30,
};

function ninetyDays(id: string, issuedAt = ISSUED) {
  return { id, validFrom: new Date(issuedAt), validTo: new Date(issuedAt + 90 * DAY_MS) };
}

describe('renewalTime', () => {
  it('renews at two thirds of the lifetime without jitter', () => {
    const at = renewalTime(ninetyDays('a'), { ...timing, jitterMs: 0 });
    expect(at.getTime()).toBe(ISSUED + 60 * DAY_MS);
  });

  it('is the same time on every run for one certificate, and within the window before two thirds', () => {
    const id = randomUUID();
    const first = renewalTime(ninetyDays(id), timing).getTime();
    expect(renewalTime(ninetyDays(id), timing).getTime()).toBe(first);
    expect(first).toBeLessThanOrEqual(ISSUED + 60 * DAY_MS);
    expect(first).toBeGreaterThan(ISSUED + 58 * DAY_MS);
    expect(jitterShare(id)).toBeGreaterThanOrEqual(0);
    expect(jitterShare(id)).toBeLessThan(1);
  });

  it('spreads 1,000 certificates issued in one minute over more than a day', () => {
    const times = Array.from({ length: 1_000 }, (_, index) =>
      renewalTime(
        ninetyDays(`certificate-${index}`, ISSUED + (index * 60_000) / 1_000),
        timing,
      ).getTime(),
    ).sort((a, b) => a - b);
    const twoThirds = ISSUED + 60 * DAY_MS;
    const hoursBefore = (time: number): number => (twoThirds - time) / HOUR_MS;
    const [earliest, latest] = [times[0] ?? 0, times[times.length - 1] ?? 0];
    expect(latest - earliest).toBeGreaterThan(DAY_MS);
    expect(latest - earliest).toBeLessThanOrEqual(2 * DAY_MS + 60_000);
    // No hour of the window gets much more than its share (1,000 / 48 ≈ 21).
    const perHour = new Map<number, number>();
    for (const time of times) {
      const hour = Math.floor(hoursBefore(time));
      perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    }
    expect(Math.max(...perHour.values())).toBeLessThan(50);
    const median = times[500] ?? 0;
    // The figures docs/RELIABILITY.md reports.
    process.stdout.write(
      `renewal of 1,000 certificates issued in one minute, hours before two thirds: ` +
        `earliest ${hoursBefore(earliest).toFixed(1)}, median ${hoursBefore(median).toFixed(1)}, ` +
        `latest ${hoursBefore(latest).toFixed(1)}; busiest hour ${Math.max(...perHour.values())}\n`,
    );
  });

  it('moves a short-lived certificate by a sixth of its lifetime at most', () => {
    const sixDays = {
      id: 'b',
      validFrom: new Date(ISSUED),
      validTo: new Date(ISSUED + 6 * DAY_MS),
    };
    const at = renewalTime(sixDays, { ...timing, renewBeforeDays: 1 }).getTime();
    expect(at).toBeLessThanOrEqual(ISSUED + 4 * DAY_MS);
    expect(at).toBeGreaterThanOrEqual(ISSUED + 3 * DAY_MS);
  });

  it('renews at the latest renewBeforeDays before the end', () => {
    const at = renewalTime(ninetyDays('c'), { ...timing, jitterMs: 0, renewBeforeDays: 45 });
    expect(at.getTime()).toBe(ISSUED + 45 * DAY_MS);
  });
});

describe('renewalRetryDelay', () => {
  it('waits 1 h after the first failure, doubling to 32 h, and stays there', () => {
    const hours = [1, 2, 3, 4, 5, 6, 7, 8, 50].map(
      (failures) => renewalRetryDelay(failures, DEFAULT_RENEWAL_RETRY) / HOUR_MS,
    );
    expect(hours).toEqual([1, 2, 4, 8, 16, 32, 32, 32, 32]);
  });

  it('follows the configured first wait and bound', () => {
    const retry = { firstMs: 30 * 60_000, maxMs: 3 * HOUR_MS };
    const minutes = [1, 2, 3, 4, 5].map((failures) => renewalRetryDelay(failures, retry) / 60_000);
    expect(minutes).toEqual([30, 60, 120, 180, 180]);
  });
});

describe('ariRenewalTime', () => {
  const window = { start: new Date(ISSUED + 50 * DAY_MS), end: new Date(ISSUED + 52 * DAY_MS) };

  it('is a time inside the CA’s window, the same on every run for one certificate', () => {
    const id = randomUUID();
    const at = ariRenewalTime(id, window).getTime();
    expect(at).toBeGreaterThanOrEqual(window.start.getTime());
    expect(at).toBeLessThanOrEqual(window.end.getTime());
    expect(ariRenewalTime(id, window).getTime()).toBe(at);
  });

  it('spreads 1,000 certificates over the window', () => {
    const times = Array.from({ length: 1_000 }, (_, index) =>
      ariRenewalTime(`certificate-${index}`, window).getTime(),
    ).sort((a, b) => a - b);
    const [earliest, latest] = [times[0] ?? 0, times[times.length - 1] ?? 0];
    expect(earliest).toBeGreaterThanOrEqual(window.start.getTime());
    expect(latest).toBeLessThanOrEqual(window.end.getTime());
    // Nearly the whole window is used: the first and last certificates are near its edges.
    expect(latest - earliest).toBeGreaterThan(1.9 * DAY_MS);
  });

  it('is the window’s start for an empty or inverted window', () => {
    const start = new Date(ISSUED);
    expect(ariRenewalTime('x', { start, end: start }).getTime()).toBe(ISSUED);
    expect(ariRenewalTime('x', { start, end: new Date(ISSUED - DAY_MS) }).getTime()).toBe(ISSUED);
  });
});
