import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request, { Response } from 'supertest';
import type { ApiKeyRole } from '@vigil/persistence';
import { createApi } from '../apps/api/src/bootstrap';
import {
  API_ROUTES,
  ApiRoute,
  ROLES,
  RouteContext,
  SEED,
  expectedStatus,
  operationOf,
  seedApiData,
  waitForTopic,
} from './support/api-routes';
import { createKey } from './support/auth';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

type Server = Parameters<typeof request>[0];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** Sends the route's example request with this Authorization header (none when undefined). */
function send(
  server: Server,
  route: ApiRoute,
  context: RouteContext,
  authorization: string | undefined,
): Promise<Response> {
  const example = route.example(context);
  const method = route.method.toLowerCase() as 'get' | 'put' | 'post' | 'delete';
  let call = request(server)[method](example.url);
  if (authorization !== undefined) call = call.set('Authorization', authorization);
  if (example.body !== undefined) {
    call = call.set('Content-Type', example.contentType ?? 'application/json').send(example.body);
  }
  return call;
}

function expectProblem(res: Response, status: number, where: string): void {
  expect({ where, status: res.status }).toEqual({ where, status });
  expect({ where, type: res.headers['content-type'] }).toEqual({
    where,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(JSON.parse(res.text)).toMatchObject({ status, title: expect.any(String) });
}

describe('API role × endpoint matrix (SPEC §6)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let server: Server;
  let context: RouteContext;
  const keys = {} as Record<ApiKeyRole | 'limitedAuditor' | 'expired' | 'revoked', string>;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    await waitForTopic(topics.results);
    const [admin, dashboard, auditor, producer, limitedAuditor, expired, revoked] =
      await Promise.all([
        createKey(db.url, { role: 'admin' }),
        createKey(db.url, { role: 'dashboard' }),
        createKey(db.url, { role: 'auditor' }),
        createKey(db.url, { role: 'producer' }),
        createKey(db.url, { role: 'auditor', services: [SEED.otherService] }),
        createKey(db.url, { role: 'admin', expiresAt: new Date(Date.now() - 60_000) }),
        createKey(db.url, { role: 'admin', revoked: true }),
        createKey(db.url, { role: 'dashboard', name: 'to-revoke' }),
      ]);
    Object.assign(keys, {
      admin,
      dashboard,
      auditor,
      producer,
      limitedAuditor,
      expired,
      revoked,
    });
    ({ app } = await createApi(appEnv(db, topics, { RATE_LIMIT_PER_MINUTE: '0' })));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Server;
    await seedApiData(server, admin, db.url);
    const listed = await request(server)
      .get('/api/v1/keys?limit=1000')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const items = (listed.body as { items: Array<{ id: string; name: string }> }).items;
    const toRevoke = items.find((k) => k.name === 'to-revoke');
    if (toRevoke === undefined) throw new Error('the key to revoke was not listed');
    context = { revocableKeyId: toRevoke.id, uniqueId: () => randomUUID() };
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('has one table entry for every operation of /api/docs-json, and no other', async () => {
    const res = await request(server).get('/api/docs-json').expect(200);
    const paths = (res.body as { paths: Record<string, Record<string, unknown>> }).paths;
    const documented = Object.entries(paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    const table = API_ROUTES.map(operationOf);
    expect(new Set(table).size).toBe(table.length);
    expect([...table].sort()).toEqual(documented);
  });

  describe.each(API_ROUTES.map((route) => [operationOf(route), route] as const))(
    '%s',
    (operation, route) => {
      if (route.access === 'public') {
        it('answers without a key, and ignores a bad one', async () => {
          expect((await send(server, route, context, undefined)).status).toBe(route.success);
          expect((await send(server, route, context, 'Bearer not-a-key')).status).toBe(
            route.success,
          );
        });
        return;
      }

      it('answers 401 problem+json with a Bearer challenge when the key is missing, malformed, unknown, expired or revoked', async () => {
        const cases: Array<[string, string | undefined]> = [
          ['no key', undefined],
          ['empty header', ''],
          ['Basic scheme', `Basic ${Buffer.from(`admin:${keys.admin}`).toString('base64')}`],
          ['Bearer without token', 'Bearer'],
          ['two tokens', `Bearer ${keys.admin} ${keys.admin}`],
          ['unknown key', `Bearer vgl_${'A'.repeat(43)}`],
          ['a hash-looking key', `Bearer ${'0'.repeat(64)}`],
          ['expired key', `Bearer ${keys.expired}`],
          ['revoked key', `Bearer ${keys.revoked}`],
        ];
        for (const [name, authorization] of cases) {
          const res = await send(server, route, context, authorization);
          expectProblem(res, 401, `${operation} with ${name}`);
          expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="vigil"/);
        }
      });

      it.each(ROLES.map((role) => [role, expectedStatus(route, role)] as const))(
        'answers a %s key with %i',
        async (role, status) => {
          const res = await send(server, route, context, `Bearer ${keys[role]}`);
          if (status >= 400) expectProblem(res, status, `${operation} as ${role}`);
          else expect({ role, status: res.status, body: res.text }).toMatchObject({ status });
        },
      );

      const auditorStatus = expectedStatus(route, 'auditor');
      if ((route.scope === 'service' || route.scope === 'unlimited') && auditorStatus < 400) {
        it('answers 403 to an auditor key limited to other services, whether the service exists or not', async () => {
          const res = await send(server, route, context, `Bearer ${keys.limitedAuditor}`);
          expectProblem(res, 403, `${operation} as a limited auditor`);
          const unknown = await send(
            server,
            {
              ...route,
              example: (c) => {
                const example = route.example(c);
                return { ...example, url: example.url.replaceAll(SEED.service, 'no-such-service') };
              },
            },
            context,
            `Bearer ${keys.limitedAuditor}`,
          );
          expectProblem(unknown, 403, `${operation} for an unknown service as a limited auditor`);
        });
      } else if (route.scope === 'filtered' && auditorStatus < 400) {
        it("shows an auditor key limited to other services only those services' data", async () => {
          const limited = await send(server, route, context, `Bearer ${keys.limitedAuditor}`);
          expect({ status: limited.status, body: limited.text }).toMatchObject({
            status: route.success,
          });
          expect(limited.text).toContain(SEED.otherService);
          expect(limited.text).not.toContain(SEED.service);
          // The same request with an unlimited key does show the other service.
          const full = await send(server, route, context, `Bearer ${keys.auditor}`);
          expect(full.text).toContain(SEED.service);
        });
      } else {
        it('answers an auditor key limited to other services like any key of its role', async () => {
          const res = await send(server, route, context, `Bearer ${keys.limitedAuditor}`);
          expect(res.status).toBe(auditorStatus);
        });
      }
    },
  );
});
