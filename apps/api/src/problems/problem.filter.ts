import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The one place where errors become HTTP answers: every error body is application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { problem, headers, unexpected } = toProblem(error);
    problem.instance = request.originalUrl.split('?')[0];
    if (request.requestId) problem.requestId = request.requestId;

    if (unexpected) {
      this.logger.error({
        msg: 'unhandled error',
        requestId: request.requestId,
        method: request.method,
        path: problem.instance,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    // An SSE stream fails after its headers went out; the client only sees the stream end.
    if (response.headersSent) {
      response.end();
      return;
    }
    response
      .status(problem.status)
      .set(headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem));
  }
}
