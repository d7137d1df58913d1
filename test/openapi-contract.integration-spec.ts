import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

interface ExpressLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
/** Swagger UI and the document itself are served beside the API, not described in it. */
const isDocsRoute = (path: string) =>
  path === '/api/docs' || path.startsWith('/api/docs/') || path.startsWith('/api/docs-');

/** What Express actually routes, as `METHOD /path/{param}` (OpenAPI's path form). */
function servedRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes: string[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route || typeof layer.route.path !== 'string') continue;
    const path = layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    if (isDocsRoute(path)) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      // Express adds HEAD to every GET route by itself; it is not a route of ours.
      if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return [...new Set(routes)].sort();
}

describe('the OpenAPI document', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let document: {
    paths: Record<
      string,
      Record<
        string,
        {
          security?: unknown[];
          parameters?: Array<{ name: string; in: string }>;
          responses: Record<string, unknown>;
        }
      >
    >;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    ({ app } = await createApi(appEnv(db, topics)));
    await app.listen(0, '127.0.0.1');
    document = (
      await request(app.getHttpServer() as Parameters<typeof request>[0])
        .get('/api/docs-json')
        .expect(200)
    ).body as typeof document;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  function documentedRoutes(): string[] {
    return Object.entries(document.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
  }

  it('describes every route the app serves, and only those', () => {
    const served = servedRoutes(app);
    expect(served).toEqual(
      expect.arrayContaining(['GET /health/live', 'GET /metrics', 'DELETE /api/v1/keys/{id}']),
    );
    expect(documentedRoutes()).toEqual(served);
  });

  it('describes every list that takes limit and cursor as a page { items, nextCursor } (SPEC §6)', () => {
    const paged: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      const operation = item.get;
      const query = (operation?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name);
      if (!operation || !query.includes('limit') || !query.includes('cursor')) continue;
      paged.push(path);
      const ok = operation.responses['200'] as {
        content?: Record<string, { schema?: { $ref?: string } }>;
      };
      const ref = ok.content?.['application/json']?.schema?.$ref ?? '';
      const schema = document.components.schemas[ref.replace('#/components/schemas/', '')] as
        { properties?: Record<string, { type?: string; nullable?: boolean }> } | undefined;
      expect({ path, items: schema?.properties?.items?.type }).toEqual({ path, items: 'array' });
      expect({ path, nextCursor: schema?.properties?.nextCursor }).toEqual({
        path,
        nextCursor: expect.objectContaining({ type: 'string', nullable: true }),
      });
    }
    expect(paged).toEqual(
      expect.arrayContaining([
        '/api/v1/services',
        '/api/v1/controls',
        '/api/v1/criteria',
        '/api/v1/unmapped',
        '/api/v1/services/{id}/controls/{controlId}/results',
      ]),
    );
  });

  it('is served without a key at /api/docs: JSON to any client, Swagger UI to a browser', async () => {
    const server = app.getHttpServer() as Parameters<typeof request>[0];
    const json = await request(server).get('/api/docs').expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    expect(Object.keys(json.body.paths)).toContain('/api/v1/effectiveness');
    await request(server)
      .get('/api/docs')
      .set('Accept', 'application/json')
      .expect(200)
      .expect('Content-Type', /^application\/json/);
    await request(server)
      .get('/api/docs')
      .set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
      .expect((res) => {
        expect([200, 301]).toContain(res.status);
        if (res.status === 200) expect(res.headers['content-type']).toMatch(/^text\/html/);
      });
  });

  it('requires the bearer key on every operation except health and metrics, with 401, 403 and 429 problems', () => {
    expect(document.components.securitySchemes).toHaveProperty('bearer');
    expect(document.components.schemas).toHaveProperty('ProblemDetails');
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        if (path.startsWith('/health/') || path === '/metrics') {
          expect({ where, security: operation.security }).toEqual({ where, security: [] });
          continue;
        }
        expect({ where, security: operation.security }).toEqual({
          where,
          security: [{ bearer: [] }],
        });
        for (const status of ['401', '403', '429']) {
          expect({ where, status, content: operation.responses[status] }).toEqual({
            where,
            status,
            content: expect.objectContaining({
              content: {
                'application/problem+json': {
                  schema: { $ref: '#/components/schemas/ProblemDetails' },
                },
              },
            }),
          });
        }
      }
    }
  });
});
