import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import { bearer, createKey } from './support/auth';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

const BOOTSTRAP = 'bootstrap-admin-key-for-tests-0123456789';

async function queryRows<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('API key authentication', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    ({ app } = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP })));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Parameters<typeof request>[0];
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe('VIGIL_BOOTSTRAP_ADMIN_KEY', () => {
    it('creates one admin key named bootstrap, stored as a hash only, when the API starts', async () => {
      const rows = await queryRows<{ name: string; role: string; key_hash: string }>(
        db.url,
        `SELECT name, role, key_hash FROM api_keys`,
      );
      expect(rows).toEqual([
        {
          name: 'bootstrap',
          role: 'admin',
          key_hash: createHash('sha256').update(BOOTSTRAP).digest('hex'),
        },
      ]);
      await request(server).get('/api/v1/keys').set(bearer(BOOTSTRAP)).expect(200);
    });

    it('is idempotent when the API starts again with the same key', async () => {
      const again = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP }));
      await again.app.init();
      await again.app.close();
      const rows = await queryRows<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM api_keys WHERE name = 'bootstrap'`,
      );
      expect(rows[0].n).toBe('1');
    });

    it('leaves a revoked bootstrap key revoked when the API starts again', async () => {
      const other = 'another-bootstrap-key-0123456789';
      const first = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: other }));
      await first.app.init();
      await first.app.close();
      const hash = createHash('sha256').update(other).digest('hex');
      await queryRows(db.url, `UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1`, [hash]);
      const again = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: other }));
      await again.app.init();
      await again.app.close();
      const rows = await queryRows<{ revoked: boolean }>(
        db.url,
        `SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = $1`,
        [hash],
      );
      expect(rows).toEqual([{ revoked: true }]);
      await request(server).get('/api/v1/keys').set(bearer(other)).expect(401);
    });

    it('refuses to start when the key is shorter than 20 characters', async () => {
      await expect(
        createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: 'too-short' })),
      ).rejects.toThrow(/VIGIL_BOOTSTRAP_ADMIN_KEY/);
    });
  });

  describe('POST /api/v1/keys', () => {
    it('returns the secret once and stores only its SHA-256 when an admin creates a key', async () => {
      const created = await request(server)
        .post('/api/v1/keys')
        .set(bearer(BOOTSTRAP))
        .send({ name: 'grc-dashboard', role: 'dashboard' })
        .expect(201);
      const body = created.body as {
        id: string;
        secret: string;
        keyPrefix: string;
        status: string;
      };
      expect(body.secret).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
      expect(body.keyPrefix).toBe(body.secret.slice(0, 8));
      expect(body.status).toBe('active');

      const [row] = await queryRows<Record<string, unknown>>(
        db.url,
        `SELECT * FROM api_keys WHERE id = $1`,
        [body.id],
      );
      expect(row.key_hash).toBe(createHash('sha256').update(body.secret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(body.secret);

      const list = await request(server).get('/api/v1/keys').set(bearer(BOOTSTRAP)).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(body.secret);
      expect(list.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: body.id, name: 'grc-dashboard', role: 'dashboard' }),
        ]),
      );
      await request(server).get('/health/live').set(bearer(body.secret)).expect(200);
    });

    it('answers 400 naming each wrong field when the request is invalid', async () => {
      const res = await request(server)
        .post('/api/v1/keys')
        .set(bearer(BOOTSTRAP))
        .send({ name: '', role: 'root', expiresAt: 'tomorrow' })
        .expect(400)
        .expect('Content-Type', /application\/problem\+json/);
      const parameters = (res.body.errors as Array<{ parameter: string }>).map((e) => e.parameter);
      expect(new Set(parameters)).toEqual(new Set(['name', 'role', 'expiresAt']));
    });

    it('answers 400 when services are given for a role other than auditor, or expiry is past', async () => {
      const res = await request(server)
        .post('/api/v1/keys')
        .set(bearer(BOOTSTRAP))
        .send({
          name: 'x',
          role: 'dashboard',
          services: ['payments-api'],
          expiresAt: '2020-01-01T00:00:00Z',
        })
        .expect(400);
      expect(
        (res.body.errors as Array<{ parameter: string }>).map((e) => e.parameter).sort(),
      ).toEqual(['expiresAt', 'services']);
    });
  });

  describe('the key guard', () => {
    it('answers 401 with a Bearer challenge when no key is sent', async () => {
      const res = await request(server).get('/api/v1/keys').expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    });

    it('answers 401 when the key is unknown or not a bearer token', async () => {
      const wrong = await request(server)
        .get('/api/v1/keys')
        .set(bearer(`vgl_${'A'.repeat(43)}`))
        .expect(401);
      expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
      await request(server)
        .get('/api/v1/keys')
        .set('Authorization', `Basic ${BOOTSTRAP}`)
        .expect(401);
      await request(server).get('/api/v1/keys').set(bearer('short')).expect(401);
    });

    it('answers 401 when the key has expired', async () => {
      const expired = await createKey(db.url, {
        role: 'admin',
        expiresAt: new Date(Date.now() - 1000),
      });
      const res = await request(server).get('/api/v1/keys').set(bearer(expired)).expect(401);
      expect(res.body.detail).toMatch(/expired/);
    });

    it('answers 401 at once when an admin revokes a key through the API', async () => {
      const created = await request(server)
        .post('/api/v1/keys')
        .set(bearer(BOOTSTRAP))
        .send({ name: 'to-revoke', role: 'admin' })
        .expect(201);
      const { id, secret } = created.body as { id: string; secret: string };
      await request(server).get('/api/v1/keys').set(bearer(secret)).expect(200);
      await request(server).delete(`/api/v1/keys/${id}`).set(bearer(BOOTSTRAP)).expect(204);
      await request(server).delete(`/api/v1/keys/${id}`).set(bearer(BOOTSTRAP)).expect(204);
      const res = await request(server).get('/api/v1/keys').set(bearer(secret)).expect(401);
      expect(res.body.detail).toMatch(/revoked/);
    });

    it('answers 401 when the key was revoked elsewhere (the CLI)', async () => {
      const revoked = await createKey(db.url, { role: 'admin', revoked: true });
      await request(server).get('/api/v1/keys').set(bearer(revoked)).expect(401);
    });

    it.each(['dashboard', 'auditor', 'producer'] as const)(
      'answers 403 when a %s key calls an admin route',
      async (role) => {
        const secret = await createKey(db.url, { role });
        const res = await request(server).get('/api/v1/keys').set(bearer(secret)).expect(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        await request(server)
          .post('/api/v1/keys')
          .set(bearer(secret))
          .send({ name: 'x', role: 'admin' })
          .expect(403);
      },
    );

    it('records when a key was last used', async () => {
      const secret = await createKey(db.url, { role: 'admin', name: 'used' });
      await request(server).get('/api/v1/keys').set(bearer(secret)).expect(200);
      let lastUsed: Date | null = null;
      for (let i = 0; i < 20 && lastUsed === null; i++) {
        const [row] = await queryRows<{ last_used_at: Date | null }>(
          db.url,
          `SELECT last_used_at FROM api_keys WHERE name = 'used'`,
        );
        lastUsed = row.last_used_at;
        if (lastUsed === null) await new Promise((r) => setTimeout(r, 50));
      }
      expect(lastUsed).toBeInstanceOf(Date);
    });
  });

  describe('GET /api/v1/keys', () => {
    it('pages with limit and an opaque cursor', async () => {
      await createKey(db.url, { role: 'dashboard', name: 'page-1' });
      await createKey(db.url, { role: 'dashboard', name: 'page-2' });
      const first = await request(server)
        .get('/api/v1/keys?limit=1')
        .set(bearer(BOOTSTRAP))
        .expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body).toEqual({ items: [expect.anything()], nextCursor: expect.any(String) });
      const second = await request(server)
        .get(`/api/v1/keys?limit=1&cursor=${first.body.nextCursor as string}`)
        .set(bearer(BOOTSTRAP))
        .expect(200);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    });

    it('answers 400 naming the parameter when limit or cursor is bad', async () => {
      const limit = await request(server)
        .get('/api/v1/keys?limit=100000')
        .set(bearer(BOOTSTRAP))
        .expect(400);
      expect(limit.body.errors[0].parameter).toBe('limit');
      const cursor = await request(server)
        .get('/api/v1/keys?cursor=WzFd')
        .set(bearer(BOOTSTRAP))
        .expect(400);
      expect(cursor.body.errors[0].parameter).toBe('cursor');
    });
  });

  describe('DELETE /api/v1/keys/{id}', () => {
    it('answers 404 when the id is unknown or not an id', async () => {
      await request(server)
        .delete('/api/v1/keys/00000000-0000-4000-8000-000000000000')
        .set(bearer(BOOTSTRAP))
        .expect(404);
      await request(server).delete('/api/v1/keys/..%2F..%2Fetc').set(bearer(BOOTSTRAP)).expect(404);
    });
  });
});
