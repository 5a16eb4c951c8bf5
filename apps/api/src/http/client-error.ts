import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { MalformedRequestError } from '../problems/api-errors';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../problems/problem';

/**
 * Answers what Node's HTTP parser refuses before Express runs (headers over 16 kB, broken
 * syntax, a request that never finished) with a problem document, as every other refusal.
 * Node writes a bare status line itself only while no 'clientError' listener exists.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // The client is gone, or the answer is already on its way: nothing useful can be written.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { problem } = toProblem(toRequestError(error.code));
  const body = JSON.stringify(problem);
  socket.end(
    [
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
      `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

function toRequestError(code: string | undefined): MalformedRequestError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new MalformedRequestError(
        431,
        'The request headers are larger than this server accepts (16 kB in all); send fewer or shorter headers.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new MalformedRequestError(408, 'The request was not received in time; send it again.');
    default:
      return new MalformedRequestError(
        400,
        'The request is not valid HTTP/1.1 and could not be read.',
      );
  }
}
