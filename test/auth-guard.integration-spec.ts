import { Controller, Get, INestApplication, Param } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  ConfigModule,
  LoggingModule,
  PublicRoute,
  createLogger,
  loadConfig,
} from '@vigil/platform';
import { PersistenceModule } from '@vigil/persistence';
import { apiEnvSchema } from '../apps/api/src/api-config';
import { AuthModule } from '../apps/api/src/auth/auth.module';
import { Principal, allowedServices, assertServiceAllowed } from '../apps/api/src/auth/principal';
import { Public, READERS, Roles } from '../apps/api/src/auth/roles.decorator';
import { HttpConventionsModule } from '../apps/api/src/http/http-conventions.module';
import { ProblemDetailsFilter } from '../apps/api/src/http/problem-details.filter';
import { notFound } from '../apps/api/src/http/problem';
import { bearer, createKey } from './support/auth';
import { TestDatabase, appEnv, createTestDatabase } from './support/infra';

const KNOWN_SERVICES = new Set(['payments-api', 'ledger']);

/** Routes with every kind of protection, to test the guard apart from the real endpoints. */
@Controller('probe')
class ProbeController {
  @Get('unannotated')
  unannotated() {
    return { ok: true };
  }

  @Roles(...READERS)
  @Get('read')
  read(@Principal() principal: Principal) {
    return { role: principal.role, services: allowedServices(principal) };
  }

  @Roles('producer')
  @Get('produce')
  produce() {
    return { ok: true };
  }

  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }

  @Roles(...READERS)
  @Get('services/:id')
  service(@Param('id') id: string, @Principal() principal: Principal) {
    assertServiceAllowed(principal, id);
    if (!KNOWN_SERVICES.has(id)) throw notFound('No service with this id');
    return { id };
  }
}

@PublicRoute()
@Controller('shared-public')
class SharedPublicController {
  @Get()
  get() {
    return { ok: true };
  }
}

async function probeApp(
  db: TestDatabase,
  extra: NodeJS.ProcessEnv = {},
): Promise<INestApplication> {
  const config = loadConfig(apiEnvSchema, appEnv(db, undefined, extra));
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(apiEnvSchema, config),
      LoggingModule.forRoot(createLogger('auth-guard-test', 'silent')),
      PersistenceModule.forRoot({ url: db.url, poolSize: 2 }),
      HttpConventionsModule,
      AuthModule,
    ],
    controllers: [ProbeController, SharedPublicController],
    providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('ApiKeyGuard', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let server: Parameters<typeof request>[0];
  const keys: Record<'admin' | 'dashboard' | 'auditor' | 'producer' | 'limitedAuditor', string> = {
    admin: '',
    dashboard: '',
    auditor: '',
    producer: '',
    limitedAuditor: '',
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await probeApp(db);
    server = app.getHttpServer() as Parameters<typeof request>[0];
    [keys.admin, keys.dashboard, keys.auditor, keys.producer, keys.limitedAuditor] =
      await Promise.all([
        createKey(db.url, { role: 'admin' }),
        createKey(db.url, { role: 'dashboard' }),
        createKey(db.url, { role: 'auditor' }),
        createKey(db.url, { role: 'producer' }),
        createKey(db.url, { role: 'auditor', services: ['payments-api'] }),
      ]);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe('a route without @Roles', () => {
    it.each([
      ['dashboard', 403],
      ['auditor', 403],
      ['producer', 403],
      ['admin', 200],
    ] as const)('answers %s keys with %i (admin only)', async (role, status) => {
      await request(server).get('/probe/unannotated').set(bearer(keys[role])).expect(status);
    });

    it('answers 401 when no key is sent', async () => {
      await request(server).get('/probe/unannotated').expect(401);
    });
  });

  describe('a route with @Roles', () => {
    it.each([
      ['/probe/read', 'admin', 200],
      ['/probe/read', 'dashboard', 200],
      ['/probe/read', 'auditor', 200],
      ['/probe/read', 'producer', 403],
      ['/probe/produce', 'producer', 200],
      ['/probe/produce', 'admin', 403],
      ['/probe/produce', 'dashboard', 403],
    ] as const)('answers GET %s with a %s key with %i', async (path, role, status) => {
      await request(server).get(path).set(bearer(keys[role])).expect(status);
    });

    it('puts the principal on the request when the key is valid', async () => {
      const res = await request(server)
        .get('/probe/read')
        .set(bearer(keys.limitedAuditor))
        .expect(200);
      expect(res.body).toEqual({ role: 'auditor', services: ['payments-api'] });
    });
  });

  describe('public routes', () => {
    it('need no key when marked @Public() in the API or PublicRoute() in a library', async () => {
      await request(server).get('/probe/public').expect(200);
      await request(server).get('/shared-public').expect(200);
    });
  });

  describe('assertServiceAllowed', () => {
    it('lets an auditor limited to services read a service in its list', async () => {
      await request(server)
        .get('/probe/services/payments-api')
        .set(bearer(keys.limitedAuditor))
        .expect(200);
    });

    it('answers 403 alike for an existing and a missing service outside the list', async () => {
      const existing = await request(server)
        .get('/probe/services/ledger')
        .set(bearer(keys.limitedAuditor))
        .expect(403);
      const missing = await request(server)
        .get('/probe/services/nope')
        .set(bearer(keys.limitedAuditor))
        .expect(403);
      expect({ ...missing.body, instance: undefined }).toEqual({
        ...existing.body,
        instance: undefined,
      });
    });

    it('leaves unlimited keys to the normal 404 for a missing service', async () => {
      await request(server).get('/probe/services/ledger').set(bearer(keys.auditor)).expect(200);
      await request(server).get('/probe/services/nope').set(bearer(keys.dashboard)).expect(404);
    });
  });

  describe('rate limiting', () => {
    it('answers 429 with Retry-After when a key exceeds RATE_LIMIT_PER_MINUTE', async () => {
      const limited = await probeApp(db, { RATE_LIMIT_PER_MINUTE: '3' });
      try {
        const key = await createKey(db.url, { role: 'dashboard' });
        const other = await createKey(db.url, { role: 'dashboard' });
        const limitedServer = limited.getHttpServer() as Parameters<typeof request>[0];
        for (let i = 0; i < 3; i++)
          await request(limitedServer).get('/probe/read').set(bearer(key)).expect(200);
        const res = await request(limitedServer).get('/probe/read').set(bearer(key)).expect(429);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        await request(limitedServer).get('/probe/read').set(bearer(other)).expect(200);
        await request(limitedServer).get('/probe/public').expect(200);
      } finally {
        await limited.close();
      }
    });

    it('never answers 429 when RATE_LIMIT_PER_MINUTE is 0', async () => {
      const unlimited = await probeApp(db, { RATE_LIMIT_PER_MINUTE: '0' });
      try {
        const unlimitedServer = unlimited.getHttpServer() as Parameters<typeof request>[0];
        for (let i = 0; i < 20; i++) {
          await request(unlimitedServer).get('/probe/read').set(bearer(keys.dashboard)).expect(200);
        }
      } finally {
        await unlimited.close();
      }
    });
  });
});
