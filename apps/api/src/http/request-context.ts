import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'pino';
import { Histogram, Registry } from 'prom-client';
import { principalOf } from '../auth/principal';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** A caller's id is kept when it is a sane token (a proxy's or a client's); otherwise we make one. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
/** Probes and scrapes every few seconds would drown the request log at info. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export function requestIdOf(request: Request): string | undefined {
  return (request as Request & { requestId?: string }).requestId;
}

/**
 * The route pattern Express matched (`/api/v1/services/:id`), never the raw URL, so metric
 * labels and log fields stay few. Requests that matched no route share one label.
 */
export function routePattern(request: Request): string {
  const route: unknown = (request as { route?: unknown }).route;
  if (typeof route !== 'object' || route === null) return 'unmatched';
  const path: unknown = (route as { path?: unknown }).path;
  return typeof path === 'string' ? path : 'unmatched';
}

export function createHttpDurationHistogram(
  registry: Registry,
): Histogram<'method' | 'route' | 'status'> {
  return new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
}

/**
 * First middleware of the API: gives the request an id (echoed in `X-Request-Id`), and when the
 * answer is sent writes one log line and one histogram observation for it.
 */
export function requestContext(
  logger: Logger,
  histogram: Histogram<'method' | 'route' | 'status'>,
) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const given = request.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
    (request as Request & { requestId?: string }).requestId = requestId;
    response.setHeader(REQUEST_ID_HEADER, requestId);
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routePattern(request);
      const status = aborted && !response.headersSent ? 499 : response.statusCode;
      histogram.observe({ method: request.method, route, status: String(status) }, seconds);
      const line = {
        requestId,
        method: request.method,
        route,
        path: request.path,
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        keyId: principalOf(request)?.keyId ?? null,
        ...(aborted ? { aborted: true } : {}),
      };
      if (QUIET_ROUTES.has(route)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    };
    response.once('finish', () => finish(false));
    response.once('close', () => finish(!response.writableFinished));
    next();
  };
}
