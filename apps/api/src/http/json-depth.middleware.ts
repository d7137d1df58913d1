import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { badRequest } from './problem';

/** Deeper than any catalogue, event or key request; recursive code downstream stays safe. */
export const MAX_JSON_DEPTH = 64;

/** How deeply a parsed JSON value nests (iteratively: the value may be too deep to recurse). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/**
 * 400 for a JSON body nested deeper than MAX_JSON_DEPTH levels: JSON.parse accepts 100,000
 * levels, but validation and serialisation recurse and would overflow the stack (a 500).
 */
@Injectable()
export class JsonDepthMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const body: unknown = request.body;
    if (
      typeof body === 'object' &&
      body !== null &&
      jsonDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
    ) {
      next(
        badRequest(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, [
          { code: 'too_deep', detail: `nested deeper than ${MAX_JSON_DEPTH} levels` },
        ]),
      );
      return;
    }
    next();
  }
}
