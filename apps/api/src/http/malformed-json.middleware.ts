import type { NextFunction, Request, Response } from 'express';
import { badRequest } from './problem';

/**
 * Express error middleware placed right after the body parsers: a body that is not JSON at
 * all answers 400 with the same code as on the Kafka path (`malformed_json`, SPEC §3).
 * Without it Nest turns the parser's SyntaxError into a bare BadRequestException.
 */
export function malformedJson(
  error: unknown,
  _req: Request,
  _res: Response,
  next: NextFunction,
): void {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed' && error instanceof Error) {
    const detail = `the body is not valid JSON: ${error.message}`;
    next(badRequest(detail, [{ code: 'malformed_json', detail }]));
    return;
  }
  next(error);
}
