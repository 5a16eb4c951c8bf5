import type { RecordNameKey } from '@starchart/persistence';
import { z } from 'zod';
import { InvalidInputError } from '../problems/api-errors';

const cursorSchema = z.tuple([z.string(), z.string()]);

/**
 * The opaque `nextCursor` of a record page: the name and type of its last record, which the
 * next page starts after.
 */
export function encodeRecordCursor({ fqdn, type }: RecordNameKey): string {
  return Buffer.from(JSON.stringify([fqdn, type])).toString('base64url');
}

/** The position a cursor stands for; a 400 for anything this api did not hand out. */
export function decodeRecordCursor(cursor: string): RecordNameKey {
  try {
    const decoded = cursorSchema.safeParse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    if (decoded.success) return { fqdn: decoded.data[0], type: decoded.data[1] };
  } catch {
    // Not JSON: the same answer as a well-formed but foreign cursor.
  }
  throw new InvalidInputError([
    { field: 'cursor', message: 'is not a cursor this api handed out' },
  ]);
}
