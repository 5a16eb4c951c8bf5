import type { Schemas } from './client';

export type Problem = Schemas['Problem'];

const PROBLEM_TYPE_BASE = 'urn:starchart:problem:';

/** Whether an error body is the api's problem+json document. */
export function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return (
    typeof candidate['type'] === 'string' &&
    typeof candidate['title'] === 'string' &&
    typeof candidate['status'] === 'number' &&
    Array.isArray(candidate['errors'])
  );
}

/** The machine-readable kind of a problem: `quota-exceeded`, `record-conflict`, … */
export function problemKind(problem: Problem): string {
  return problem.type.startsWith(PROBLEM_TYPE_BASE)
    ? problem.type.slice(PROBLEM_TYPE_BASE.length)
    : problem.type;
}

/** The problem's field errors by field name; the first message wins when a field has several. */
export function fieldErrorsOf(problem: Problem): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const { field, message } of problem.errors) byField[field] ??= message;
  return byField;
}
