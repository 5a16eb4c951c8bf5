/**
 * Whether the CA asked every process to stop ordering (a `rateLimited` answer, with its
 * Retry-After): until when, or null. The admission reads it before admitting anything and
 * estimates no start before it; admissionProviders gives it the shared Redis `CaPause`.
 */
export interface CaPauseReader {
  pausedUntil(): Promise<Date | null>;
}

export const CA_PAUSE = Symbol('CA_PAUSE');
