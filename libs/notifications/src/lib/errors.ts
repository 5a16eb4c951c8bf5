import { FlowError } from '@starchart/flow-runtime';

/** The mail server could not be reached, or answered "try later" (4xx): the job retries. */
export class SmtpUnavailableError extends FlowError {
  readonly retryable = true;
}

/** The mail server refused the mail for good (5xx): the job fails with the server's answer. */
export class SmtpRefusedError extends FlowError {
  readonly retryable = false;
}

/** What nodemailer's errors carry besides the message. */
interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
}

/** Sorts a nodemailer failure into one of the two: only a 5xx answer is final. */
export function explainSmtpFailure(error: unknown): SmtpUnavailableError | SmtpRefusedError {
  const fields: SmtpErrorFields = typeof error === 'object' && error !== null ? error : {};
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const answer = typeof fields.response === 'string' ? fields.response : message;
  if (code !== undefined && code >= 500 && code < 600)
    return new SmtpRefusedError(`the mail server refused the mail: ${answer}`, { cause: error });
  return new SmtpUnavailableError(`the mail server is unavailable: ${answer}`, { cause: error });
}
