import { HttpStatus, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * 415 for a POST/PUT/PATCH body that no body parser took (see the parsers in bootstrap.ts):
 * runs after them, so the accepted media types are defined in one place.
 */
@Injectable()
export class UnsupportedMediaTypeMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    if (WITH_BODY.has(request.method) && hasBody(request) && request.body === undefined) {
      const type = request.headers['content-type'];
      next(
        new ProblemException({
          status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          title: 'Unsupported Media Type',
          detail:
            type === undefined
              ? 'The request has a body but no Content-Type'
              : `Content-Type ${type.split(';')[0]} is not accepted; send application/json`,
        }),
      );
      return;
    }
    next();
  }
}

function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length !== '0';
}
