import { HttpException, HttpStatus } from '@nestjs/common';

/** RFC 9457 problem details. `errors` lists per-field or per-event faults where there are several. */
export interface ProblemError {
  pointer?: string;
  parameter?: string;
  index?: number;
  id?: string;
  code?: string;
  detail: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemError[];
  /** HTTP ingest: the events of a partly rejected batch that were accepted (RFC 9457 extension). */
  accepted?: Array<{ source: string; id: string }>;
  count?: number;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Throw this to answer with a specific problem document. */
export class ProblemException extends HttpException {
  readonly problem: ProblemDetails;
  constructor(problem: Omit<ProblemDetails, 'type'> & { type?: string }) {
    super(problem, problem.status);
    this.problem = { type: 'about:blank', ...problem };
  }
}

export function badRequest(detail: string, errors?: ProblemDetails['errors']): ProblemException {
  return new ProblemException({
    status: HttpStatus.BAD_REQUEST,
    title: 'Bad Request',
    detail,
    errors,
  });
}

export function notFound(detail: string): ProblemException {
  return new ProblemException({ status: HttpStatus.NOT_FOUND, title: 'Not Found', detail });
}

export function invalidParameter(parameter: string, detail: string): ProblemException {
  return badRequest(`Invalid parameter "${parameter}": ${detail}`, [{ parameter, detail }]);
}
