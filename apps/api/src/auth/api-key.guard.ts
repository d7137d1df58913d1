import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '@vigil/platform';
import { ApiConfig } from '../api-config';
import { ProblemException } from '../http/problem';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { AuthenticatedRequest } from './principal';
import { PUBLIC_KEY, ROLES_KEY, Role } from './roles.decorator';
import { TokenBuckets } from './token-bucket';

const DEFAULT_ROLES: readonly Role[] = ['admin'];

/**
 * The global gate (SPEC §6): a valid key (401 otherwise), within its rate (429), with a role
 * the route allows (403). Routes that declare no roles are admin-only, so a route someone
 * forgot to annotate is closed rather than open. Public routes skip all of it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
    @Inject(APP_CONFIG) config: ApiConfig,
  ) {
    this.buckets = new TokenBuckets(config.RATE_LIMIT_PER_MINUTE);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true)
      return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const token = bearerToken(request);
    if (token === null) {
      throw unauthorized(response, 'Send an API key: Authorization: Bearer <key>', null);
    }
    const now = new Date();
    const authentication = await this.authenticator.authenticate(token, now);
    switch (authentication.outcome) {
      case 'unknown':
        throw unauthorized(response, 'The API key is not valid', 'The API key is not valid');
      case 'revoked':
        throw unauthorized(
          response,
          'The API key has been revoked',
          'The API key has been revoked',
        );
      case 'expired':
        throw unauthorized(response, 'The API key has expired', 'The API key has expired');
      case 'authenticated':
        break;
    }
    const { principal } = authentication;
    request.principal = principal;

    const budget = this.buckets.take(principal.keyId, now.getTime());
    if (!budget.allowed) {
      response.setHeader('Retry-After', String(budget.retryAfterSeconds));
      throw new ProblemException({
        status: HttpStatus.TOO_MANY_REQUESTS,
        title: 'Too Many Requests',
        detail: `This API key made too many requests; retry in ${budget.retryAfterSeconds} s`,
      });
    }

    const allowed =
      this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? DEFAULT_ROLES;
    if (!allowed.includes(principal.role)) {
      throw new ProblemException({
        status: HttpStatus.FORBIDDEN,
        title: 'Forbidden',
        detail: `This operation needs one of the roles: ${allowed.join(', ')}`,
      });
    }
    return true;
  }
}

function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** RFC 6750 §3: say how to authenticate, and whether the token given was the problem. */
function unauthorized(
  response: Response,
  detail: string,
  tokenError: string | null,
): ProblemException {
  response.setHeader(
    'WWW-Authenticate',
    tokenError === null
      ? 'Bearer realm="vigil"'
      : `Bearer realm="vigil", error="invalid_token", error_description="${tokenError}"`,
  );
  return new ProblemException({ status: HttpStatus.UNAUTHORIZED, title: 'Unauthorized', detail });
}
