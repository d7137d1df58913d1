import { Writable } from 'node:stream';
import { Controller, Get, INestApplication, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import express from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import { CacheWhenClosed, strongEtag } from '../apps/api/src/http/immutable-caching';
import { createHttpDurationHistogram, requestContext } from '../apps/api/src/http/request-context';
import { bearer, createKey } from './support/auth';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

type Server = Parameters<typeof request>[0];
const DASHBOARD_ORIGIN = 'https://dashboard.example';

describe('HTTP conventions', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let server: Server;
  let admin: string;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    ({ app } = await createApi(
      appEnv(db, topics, { CORS_ORIGINS: `${DASHBOARD_ORIGIN}, https://other.example` }),
    ));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Server;
    admin = await createKey(db.url, { role: 'admin' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe('X-Request-Id', () => {
    it('echoes the id the caller sent', async () => {
      const res = await request(server)
        .get('/health/live')
        .set('X-Request-Id', 'trace-42.abc')
        .expect(200);
      expect(res.headers['x-request-id']).toBe('trace-42.abc');
    });

    it('makes one when the caller sent none or an unusable one, errors included', async () => {
      const none = await request(server).get('/api/v1/keys').expect(401);
      expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const bad = await request(server)
        .get('/health/live')
        .set('X-Request-Id', 'has spaces\tand tabs')
        .expect(200);
      expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from a configured origin with the allowed origin and headers', async () => {
      const res = await request(server)
        .options('/api/v1/keys')
        .set('Origin', DASHBOARD_ORIGIN)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(DASHBOARD_ORIGIN);
      expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
    });

    it('exposes the request id and ETag headers to the browser on real requests', async () => {
      const res = await request(server)
        .get('/api/v1/keys')
        .set('Origin', DASHBOARD_ORIGIN)
        .set(bearer(admin))
        .expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(DASHBOARD_ORIGIN);
      expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
    });

    it('grants nothing to an origin that is not configured', async () => {
      const res = await request(server)
        .options('/api/v1/keys')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('problem+json errors', () => {
    it('answers 404 for an unknown route', async () => {
      const res = await request(server).get('/api/v1/no-such-thing').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    });

    it('answers 400 naming the parameter when a body field has the wrong type', async () => {
      const res = await request(server)
        .post('/api/v1/keys')
        .set(bearer(admin))
        .send({ name: 42, role: 'admin' })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const parameters = (res.body.errors as Array<{ parameter: string }>).map((e) => e.parameter);
      expect(new Set(parameters)).toEqual(new Set(['name']));
    });

    it('answers 400 when the JSON is malformed', async () => {
      const res = await request(server)
        .post('/api/v1/keys')
        .set(bearer(admin))
        .set('Content-Type', 'application/json')
        .send('{"name": ')
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ code: 'malformed_json' })]);
    });

    it('answers 413 when the body is larger than the limit', async () => {
      const res = await request(server)
        .post('/api/v1/keys')
        .set(bearer(admin))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024), role: 'admin' }))
        .expect(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers 415 when the body has a media type no route accepts', async () => {
      const res = await request(server)
        .post('/api/v1/keys')
        .set(bearer(admin))
        .set('Content-Type', 'text/plain')
        .send('name=x&role=admin')
        .expect(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.status).toBe(415);
    });
  });

  describe('/metrics', () => {
    it('has the latency histogram labelled by route pattern, not raw URL', async () => {
      await request(server)
        .delete('/api/v1/keys/00000000-0000-4000-8000-000000000000')
        .set(bearer(admin))
        .expect(404);
      const metrics = await request(server).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /vigil_http_request_duration_seconds_count\{[^}]*method="DELETE",route="\/api\/v1\/keys\/:id",status="404"\} 1/,
      );
      expect(metrics.text).not.toContain('route="/api/v1/keys/00000000');
    });
  });
});

describe(requestContext.name, () => {
  it('writes one log line per request with method, route, status, duration, key id and request id', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const registry = new Registry();
    const web = express();
    web.use(requestContext(pino({ level: 'info' }, sink), createHttpDurationHistogram(registry)));
    web.get('/items/:id', (req, res) => {
      (req as typeof req & { principal: unknown }).principal = { keyId: 'key-1' };
      res.status(201).json({ ok: true });
    });
    await request(web).get('/items/7').set('X-Request-Id', 'req-1').expect(201);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request',
        requestId: 'req-1',
        method: 'GET',
        route: '/items/:id',
        status: 201,
        keyId: 'key-1',
        durationMs: expect.any(Number),
      }),
    ]);
  });
});

@Controller('windows')
class WindowProbeController {
  @Get()
  @CacheWhenClosed()
  get(@Query('to') to?: string) {
    return { to: to ?? null, total: 3 };
  }
}

describe(CacheWhenClosed.name, () => {
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [WindowProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer() as Server;
  });
  afterAll(async () => {
    await app.close();
  });

  it('sets a day of private caching and a strong ETag when the window closed in the past', async () => {
    const res = await request(server).get('/windows?to=2026-01-01T00:00:00Z').expect(200);
    expect(res.headers['cache-control']).toBe('private, max-age=86400');
    expect(res.headers.etag).toBe(
      strongEtag(JSON.stringify({ to: '2026-01-01T00:00:00Z', total: 3 })),
    );
  });

  it('answers 304 without a body when If-None-Match matches', async () => {
    const first = await request(server).get('/windows?to=2026-01-01T00:00:00Z').expect(200);
    const again = await request(server)
      .get('/windows?to=2026-01-01T00:00:00Z')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(again.text).toBe('');
  });

  it('leaves the answer uncached when the window is still open', async () => {
    const res = await request(server)
      .get(`/windows?to=${new Date(Date.now() + 3_600_000).toISOString()}`)
      .expect(200);
    expect(res.headers['cache-control']).toBeUndefined();
    expect(res.headers.etag).not.toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });
});
