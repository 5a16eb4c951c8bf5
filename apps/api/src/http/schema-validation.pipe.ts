import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { type FieldError, InvalidInputError } from '../problems/api-errors';

/**
 * Validates every `@Body({ schema })`, `@Query({ schema })` and `@Param(..., { schema })` with
 * its zod schema (the same schema feeds the OpenAPI document) and answers a 400 problem that
 * names each offending field.
 */
@Injectable()
export class SchemaValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { schema } = metadata;
    if (schema === undefined) return value;
    if (!(schema instanceof z.ZodType)) {
      throw new TypeError(`${metadata.type} parameter has a schema that is not a zod schema`);
    }
    const result = schema.safeParse(value, { error: friendlyMessage });
    if (result.success) return result.data;
    throw new InvalidInputError(toFieldErrors(result.error.issues, metadata.type));
  }
}

/** Defaults for the issues a schema does not word itself. */
function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? 'is required' : `must be a ${issue.expected}`;
  }
  return undefined;
}

export function toFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  source: ArgumentMetadata['type'],
): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, key].join('.'),
        message: 'is not a known field',
      }));
    }
    if (path.length === 0 && issue.code === 'invalid_type') {
      return [{ field: source, message: `must be a JSON ${issue.expected}` }];
    }
    return [{ field: path.join('.') || source, message: issue.message }];
  });
}
