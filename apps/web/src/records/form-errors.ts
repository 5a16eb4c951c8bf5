import { fieldErrorsOf } from '@starchart/api-client';
import { ApiFailure } from '../api/api-failure';

/** What a refused submit shows: messages at their fields, and a summary above the form. */
export interface FormErrors {
  fields: Record<string, string>;
  summary: { title: string; detail: string } | null;
}

/**
 * Maps a failed submit to the form: the api's problem+json `errors[].field` to the field of that
 * name, and what belongs to no field (quota, a full zone, a busy record, the api unreachable) to
 * the summary.
 */
export function formErrorsOf(error: unknown, formFields: readonly string[]): FormErrors {
  if (!(error instanceof ApiFailure)) {
    return {
      fields: {},
      summary: {
        title: 'Something went wrong',
        detail: error instanceof Error ? error.message : String(error),
      },
    };
  }
  if (error.kind === 'unreachable') {
    return {
      fields: {},
      summary: {
        title: 'Starchart cannot be reached',
        detail: 'Nothing was saved. What you typed is still here: try again in a moment.',
      },
    };
  }
  const problem = error.problem;
  if (!problem) {
    return { fields: {}, summary: { title: 'Something went wrong', detail: error.message } };
  }
  const fields: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const [field, message] of Object.entries(fieldErrorsOf(problem))) {
    if (formFields.includes(field)) fields[field] = message;
    else elsewhere.push(`${field} ${message}`);
  }
  switch (error.problemKind) {
    case 'quota-exceeded':
      return {
        fields,
        summary: { title: 'You have reached your record quota', detail: problem.detail },
      };
    case 'zone-full':
      // Not the person's quota: the zone everyone's records share is full, whatever they type.
      return {
        fields,
        summary: {
          title: "Starchart's DNS zone is full",
          detail:
            'No one can add a record until records are deleted or an operator raises the ' +
            `zone's quota, so your record was not saved. ${problem.detail}`,
        },
      };
    case 'record-conflict':
      return { fields, summary: { title: 'That name is already taken', detail: problem.detail } };
    case 'invalid-input':
      return {
        fields,
        summary: {
          title: 'Some fields need a change',
          detail:
            elsewhere.length > 0 ? elsewhere.join('; ') : 'See the messages next to the fields.',
        },
      };
    default:
      return { fields, summary: { title: problem.title, detail: problem.detail } };
  }
}
