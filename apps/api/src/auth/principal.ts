import { ExecutionContext, HttpStatus, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from '../http/problem';
import { Role } from './roles.decorator';

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** Auditor keys may be limited to these services; null means every service. */
  services: string[] | null;
}

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export function principalOf(request: Request): Principal | undefined {
  return (request as AuthenticatedRequest).principal;
}

/**
 * The caller of a protected route: `@Principal() principal: Principal`. Always set on routes
 * that are not public (the global key guard rejects requests without one).
 */
export const Principal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal === undefined) throw new Error('@Principal() used on a public route');
    return principal;
  },
);

/** The services a caller may see, or null for all. Use it to filter lists and exports. */
export function allowedServices(principal: Principal): string[] | null {
  return principal.services === null ? null : [...principal.services];
}

export function isServiceAllowed(principal: Principal, serviceId: string): boolean {
  return principal.services === null || principal.services.includes(serviceId);
}

/**
 * 403 unless the caller may see this service. Call it before looking the service up, so a
 * limited key cannot tell a service that exists from one that does not (both are 403).
 */
export function assertServiceAllowed(principal: Principal, serviceId: string): void {
  if (!isServiceAllowed(principal, serviceId)) {
    throw new ProblemException({
      status: HttpStatus.FORBIDDEN,
      title: 'Forbidden',
      detail: 'This API key is not allowed to access this service',
    });
  }
}
