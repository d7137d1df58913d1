import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import { createEvaluator } from '../apps/evaluator/src/bootstrap';
import { createIngest } from '../apps/ingest/src/bootstrap';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

describe('the three apps', () => {
  let db: TestDatabase;
  let topics: TestTopics;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
  });
  afterAll(async () => {
    await db.drop();
  });

  const apps: Array<[string, (env: NodeJS.ProcessEnv) => Promise<{ app: INestApplication }>]> = [
    ['api', createApi],
    ['ingest', createIngest],
    ['evaluator', createEvaluator],
  ];

  it.each(apps)('%s boots against the real services and reports ready', async (_name, create) => {
    const { app } = await create(appEnv(db, topics));
    try {
      await app.startAllMicroservices();
      await app.listen(0, '127.0.0.1');
      const server = app.getHttpServer();
      await request(server).get('/health/live').expect(200);
      const ready = await request(server).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, kafka: { status: 'up' } },
      });
      const metrics = await request(server).get('/metrics').expect(200);
      expect(metrics.text).toContain('process_cpu_user_seconds_total');
    } finally {
      await app.close();
    }
  });

  it('reports not ready when PostgreSQL is unreachable', async () => {
    const { app } = await createApi(appEnv(db, topics, { DATABASE_URL: db.url }));
    await app.listen(0, '127.0.0.1');
    try {
      // Drop the connections under the app: readiness must say so rather than hang.
      await db.drop();
      const ready = await request(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.database.status).toBe('down');
    } finally {
      await app.close();
      db = await createTestDatabase();
    }
  });
});
