import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from 'pino';
import { LOGGER } from '@vigil/platform';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException } from './problem';
import { requestIdOf } from './request-context';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Every error leaves the API as RFC 9457 application/problem+json; a 500 never leaks internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request>();
    const response = ctx.getResponse<Response>();
    if (isHealthReport(exception)) {
      // Probes and operators read Terminus's own report (which dependency is down), kept as is.
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.error(
        { err: exception, path: request.url, requestId: requestIdOf(request) },
        'request failed',
      );
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: Request): ProblemDetails {
    const instance = request.originalUrl?.split('?')[0];
    if (exception instanceof ProblemException) {
      return { instance, ...exception.problem };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      let detail: string | undefined;
      let errors: ProblemDetails['errors'];
      if (typeof body === 'string') detail = body;
      else if (body && typeof body === 'object') {
        const message = (body as { message?: unknown }).message;
        if (Array.isArray(message)) {
          errors = message.map((m) => ({ detail: String(m) }));
          detail = message.map(String).join('; ');
        } else if (typeof message === 'string') detail = message;
      }
      return {
        type: 'about:blank',
        title: TITLES[status] ?? 'Error',
        status,
        detail,
        instance,
        errors,
      };
    }
    const status = isBodyParserError(exception)
      ? exception.status
      : HttpStatus.INTERNAL_SERVER_ERROR;
    return {
      type: 'about:blank',
      title: TITLES[status] ?? 'Error',
      status,
      detail: status === 500 ? 'An unexpected error occurred' : (exception as Error).message,
      instance,
    };
  }
}

function isHealthReport(e: unknown): e is HttpException {
  if (!(e instanceof HttpException) || e.getStatus() !== 503) return false;
  const body = e.getResponse();
  return typeof body === 'object' && body !== null && 'details' in body && 'error' in body;
}

function isBodyParserError(e: unknown): e is Error & { status: number } {
  const status = e instanceof Error ? (e as Error & { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}
