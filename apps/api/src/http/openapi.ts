import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  PathItemObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PUBLIC_KEY, ROLES_KEY, Role } from '../auth/roles.decorator';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { PROBLEM_SCHEMA_NAME } from './problem-details.schema';

/** A route as Nest's metadata declares it, with its path in OpenAPI form (`/a/{id}`). */
export interface DeclaredRoute {
  method: string;
  path: string;
  public: boolean;
  roles: readonly Role[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export const BEARER_SCHEME = 'bearer';

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [''];
}

/** `api/v1/services/:id` → `/api/v1/services/{id}` (the form OpenAPI paths use). */
export function toOpenApiPath(...parts: string[]): string {
  const joined = `/${parts.join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Every route of every controller, from Nest's metadata (what the guard also reads). */
export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (typeof type !== 'function') continue;
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (methodPaths === undefined) continue;
        const method =
          RequestMethod[
            Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod
          ].toLowerCase();
        const targets = [handler as () => unknown, type];
        const isPublic =
          reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true;
        const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [
          'admin',
        ];
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, type))) {
          for (const sub of asList(methodPaths)) {
            routes.push({ method, path: toOpenApiPath(base, sub), public: isPublic, roles });
          }
        }
      }
    }
  }
  return routes;
}

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', example: 'about:blank' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['detail'],
        properties: {
          pointer: { type: 'string' },
          parameter: { type: 'string' },
          index: { type: 'integer' },
          id: { type: 'string' },
          code: { type: 'string' },
          detail: { type: 'string' },
        },
      },
    },
  },
};

function problem(
  description: string,
  headers?: Record<string, { description: string; schema: SchemaObject }>,
) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } },
    },
  };
}

/**
 * Makes the document say what the guard does: every protected operation needs the bearer key
 * and can answer 401, 403 and 429 (problem+json); public ones (health, metrics) need nothing.
 * Mutates and returns the document.
 */
export function documentSecurity(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const declared = new Map(declaredRoutes(app).map((r) => [`${r.method} ${r.path}`, r]));
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[PROBLEM_SCHEMA_NAME] ??= PROBLEM_SCHEMA;
  for (const [path, item] of Object.entries<PathItemObject>(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (operation === undefined) continue;
      describeErrorBodies(operation);
      const route = declared.get(`${method} ${path}`);
      if (route?.public === true) {
        operation.security = [];
        continue;
      }
      const roles = route?.roles ?? ['admin'];
      operation.security = [{ [BEARER_SCHEME]: [] }];
      operation.description = [operation.description, `Roles: ${roles.join(', ')}.`]
        .filter(Boolean)
        .join('\n\n');
      operation.responses['401'] ??= problem('Missing, unknown, expired or revoked API key', {
        'WWW-Authenticate': {
          description: 'Bearer challenge (RFC 6750)',
          schema: { type: 'string' },
        },
      });
      operation.responses['403'] ??= problem(
        `The API key's role is not one of: ${roles.join(', ')} (or the service is outside the key's limit)`,
      );
      operation.responses['429'] ??= problem('Too many requests for this API key', {
        'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
      });
    }
  }
  return document;
}

/** Every error answer is problem+json (the global filter makes it so); say so where a route did not. */
function describeErrorBodies(operation: OperationObject): void {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!/^[45]\d\d$/.test(status) || response === undefined || '$ref' in response) continue;
    response.content ??= problem(response.description).content;
  }
}
