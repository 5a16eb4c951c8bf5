import { createHash } from 'node:crypto';

const DAY_MS = 86_400_000;

/** When certificates renew: cert-manager's two thirds of the lifetime, spread per certificate. */
export interface RenewalTiming {
  /** Renew at this fraction of the lifetime (2/3, cert-manager's rule). */
  lifetimeFraction: number;
  /** Certificates renew up to this much before the fraction, by a share fixed per certificate. */
  jitterMs: number;
  /** At the latest this many days before the end, whatever the fraction says. */
  renewBeforeDays: number;
}

export const DEFAULT_RENEWAL_LIFETIME_FRACTION = 2 / 3;

/** What a certificate's renewal time depends on. */
export interface RenewalSubject {
  id: string;
  validFrom: Date;
  validTo: Date;
}

/**
 * The certificate's share of the jitter window, in [0, 1): the first 32 bits of SHA-256 of its
 * id. Deterministic, so every run (and every worker replica) computes the same time, and
 * uniform over ids, so certificates issued in the same minute renew at different times.
 */
export function jitterShare(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The time the certificate is due for renewal: `validFrom + fraction × lifetime`, moved earlier by
 * its share of the jitter window (never more than a sixth of the lifetime, so a short-lived
 * certificate is not renewed at half its life by a window meant for 90 days), and never later
 * than `renewBeforeDays` before its end.
 */
export function renewalTime(subject: RenewalSubject, timing: RenewalTiming): Date {
  const from = subject.validFrom.getTime();
  const to = subject.validTo.getTime();
  const lifetime = Math.max(0, to - from);
  const window = Math.min(timing.jitterMs, lifetime / 6);
  const rule = from + lifetime * timing.lifetimeFraction - window * jitterShare(subject.id);
  const latest = to - timing.renewBeforeDays * DAY_MS;
  return new Date(Math.floor(Math.min(rule, latest)));
}

/** How a failed renewal is tried again: `firstMs` after the first failure, doubling to `maxMs`. */
export interface RenewalRetry {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_RENEWAL_RETRY: RenewalRetry = { firstMs: 3_600_000, maxMs: 32 * 3_600_000 };

/** The wait after the `failures`-th renewal failure in a row (1, 2, ...): 1 h, 2 h, 4 h ... 32 h. */
export function renewalRetryDelay(failures: number, retry: RenewalRetry): number {
  const doublings = Math.max(0, Math.min(failures - 1, 52));
  return Math.min(retry.firstMs * 2 ** doublings, retry.maxMs);
}

/** A renewal window the CA suggests (RFC 9773 `suggestedWindow`). */
export interface RenewalWindow {
  start: Date;
  end: Date;
}

/**
 * The time inside the CA's suggested window this certificate renews at: the same share of the
 * window as its jitter share (stable across runs and replicas, spread over certificates), as
 * RFC 9773 §4.2 asks ("a random time within the window"). A window already over means now.
 */
export function ariRenewalTime(id: string, window: RenewalWindow): Date {
  const start = window.start.getTime();
  const span = Math.max(0, window.end.getTime() - start);
  return new Date(Math.floor(start + span * jitterShare(id)));
}
