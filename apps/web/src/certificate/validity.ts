const DAY_MS = 86_400_000;

/** Whole days from now until `validTo`; zero or less once it has expired. */
export function daysLeft(validTo: string, now: number = Date.now()): number {
  return Math.floor((new Date(validTo).getTime() - now) / DAY_MS);
}
