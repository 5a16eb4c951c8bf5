import { randomBytes } from 'node:crypto';

/** A short lower-case id that is valid as a DNS label, a Redis key part and a database name part. */
export function uniqueId(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}
