import { createHash } from 'node:crypto';
import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, map } from 'rxjs';

export const IMMUTABLE_CACHE_CONTROL = 'private, max-age=86400';

/** A strong validator: the SHA-256 of exactly the bytes sent. */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * For answers that cannot change (a window that closed in the past): a day of private caching
 * and a strong ETag. Express answers 304 by itself when `If-None-Match` matches the ETag set
 * here (res.send checks freshness), so handlers only need to call this before sending.
 * `body` must be what is sent: the JSON text for objects (`JSON.stringify(value)`).
 */
export function setImmutableCaching(response: Response, body: string | Buffer): void {
  response.setHeader('Cache-Control', IMMUTABLE_CACHE_CONTROL);
  response.setHeader('ETag', strongEtag(body));
}

/** True when the query's `to` is an instant at or before `now` (the window is over). */
export function isClosedWindow(query: { to?: unknown }, now: Date): boolean {
  if (typeof query.to !== 'string') return false;
  const to = Date.parse(query.to);
  return Number.isFinite(to) && to <= now.getTime();
}

@Injectable()
export class CacheWhenClosedInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // Decided before the handler runs: "closed" must not flip while the answer is computed.
    const closed = isClosedWindow(request.query, new Date());
    return next.handle().pipe(
      map((body: unknown) => {
        if (closed && body !== undefined && body !== null && !response.headersSent) {
          setImmutableCaching(response, typeof body === 'string' ? body : JSON.stringify(body));
        }
        return body;
      }),
    );
  }
}

/**
 * On a GET whose `to` lies in the past: `Cache-Control: private, max-age=86400`, a strong
 * ETag of the JSON body, and 304 for a matching `If-None-Match`. Answers for windows that
 * are still open (or `window=P90D`, which ends now) are left as they are.
 */
export const CacheWhenClosed = () => applyDecorators(UseInterceptors(CacheWhenClosedInterceptor));
