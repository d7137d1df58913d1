import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import { SamplingController } from '../apps/api/src/sampling/sampling.controller';
import { bearer, createKey } from './support/auth';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';
import { SeedResult, seedCatalog, seedResults, withClient } from './support/seed-effectiveness';

const BOOTSTRAP = 'bootstrap-admin-key-for-tests-0123456789';
const MARCH = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';
const PATH = '/api/v1/services/payments-api/controls/mfa-enforced/sample';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** payments-api/mfa-enforced, daily, March 2026: a pass each day, a fail on the 10th, not_applicable on the 20th. */
function march(): SeedResult[] {
  const results: SeedResult[] = [];
  for (let d = 1; d <= 31; d++) {
    const day = String(d).padStart(2, '0');
    const outcome = d === 10 ? 'fail' : d === 20 ? 'not_applicable' : 'pass';
    results.push({
      serviceId: 'payments-api',
      controlId: 'mfa-enforced',
      outcome,
      time: `2026-03-${day}T06:00:00Z`,
      evidenceUri: `s3://ev/${day}.json`,
    });
  }
  return results;
}

describe(SamplingController.name, () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let server: Parameters<typeof request>[0];
  let auditor: Record<string, string>;
  let limited: Record<string, string>;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    await withClient(db.url, async (client) => {
      await seedCatalog(client, {
        services: ['payments-api', 'billing-api'],
        controls: [
          { id: 'mfa-enforced', frequency: 'daily', criteria: ['CC6.1'] },
          { id: 'backup-tested', frequency: 'weekly', criteria: ['A1.2'] },
        ],
        assignments: [
          { service: 'payments-api', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z' },
          { service: 'payments-api', control: 'backup-tested', from: '2026-01-01T00:00:00Z' },
        ],
      });
      await seedResults(client, march());
    });
    ({ app } = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP })));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Parameters<typeof request>[0];
    auditor = bearer(await createKey(db.url, { role: 'auditor' }));
    limited = bearer(await createKey(db.url, { role: 'auditor', services: ['billing-api'] }));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe('GET /api/v1/services/{id}/controls/{controlId}/sample', () => {
    it('reads empty seed= and size= as not given, as SPEC §6 writes the template', async () => {
      const { body } = await request(server)
        .get(`${PATH}?${MARCH}&seed=&size=`)
        .set(auditor)
        .expect(200);
      expect(body).toMatchObject({ size: 25, requestedSize: 25, frequency: 'daily' });
      expect(body.seedSource).not.toBe('given');
    });

    it('samples the default size for the frequency from the expected slots, ranked by SHA-256 of seed and start', async () => {
      const { body } = await request(server)
        .get(`${PATH}?${MARCH}&seed=audit-2026`)
        .set(auditor)
        .expect(200);
      expect(body).toMatchObject({
        seed: 'audit-2026',
        seedSource: 'given',
        size: 25,
        requestedSize: 25,
        populationSize: 30,
        frequency: 'daily',
      });
      expect(body.algorithm).toContain('SHA-256');
      // Brute force: rank all 30 non-not_applicable days, keep the 25 lowest, list by start.
      const days = Array.from(
        { length: 31 },
        (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
      ).filter((d) => !d.startsWith('2026-03-20'));
      const expected = days
        .map((start) => ({ start, rank: sha256(`audit-2026:${start}`) }))
        .sort((a, b) => (a.rank < b.rank ? -1 : 1))
        .slice(0, 25)
        .map((s) => s.start)
        .sort();
      expect(body.items.map((i: { start: string }) => i.start)).toEqual(expected);
      for (const item of body.items) expect(item.rank).toBe(sha256(`audit-2026:${item.start}`));
    });

    it('gives each sampled slot its status, result ids and evidence', async () => {
      const { body } = await request(server)
        .get(`${PATH}?${MARCH}&seed=s&size=30`)
        .set(auditor)
        .expect(200);
      const tenth = body.items.find(
        (i: { start: string }) => i.start === '2026-03-10T00:00:00.000Z',
      );
      expect(tenth).toMatchObject({
        end: '2026-03-11T00:00:00.000Z',
        status: 'failed',
        evidenceUris: ['s3://ev/10.json'],
      });
      expect(tenth.resultIds).toHaveLength(1);
      expect(tenth.results).toEqual([
        {
          id: tenth.resultIds[0],
          source: '//test',
          time: '2026-03-10T06:00:00.000000Z', // to the microsecond, as raw history writes it
          outcome: 'fail',
          late: false,
          evidence: { uri: 's3://ev/10.json' },
          test: null,
        },
      ]);
    });

    it('gives the same sample for the same seed and a different one for another seed', async () => {
      const get = async (seed: string) =>
        (
          await request(server).get(`${PATH}?${MARCH}&seed=${seed}&size=5`).set(auditor).expect(200)
        ).body.items.map((i: { start: string }) => i.start);
      const first = await get('alpha');
      expect(await get('alpha')).toEqual(first);
      expect(await get('beta')).not.toEqual(first);
    });

    it('derives the seed from the pair and the window when none is given', async () => {
      const a = (await request(server).get(`${PATH}?${MARCH}&size=4`).set(auditor).expect(200))
        .body;
      expect(a).toMatchObject({
        seed: 'payments-api/mfa-enforced/2026-03-01T00:00:00.000Z/2026-04-01T00:00:00.000Z',
        seedSource: 'derived',
      });
      const b = (
        await request(server)
          .get(`${PATH}?${MARCH}&size=4&seed=${encodeURIComponent(a.seed)}`)
          .set(auditor)
          .expect(200)
      ).body;
      expect(b.items).toEqual(a.items);
    });

    it('caps the size at the population, and defaults to 5 for a weekly control', async () => {
      const capped = (
        await request(server).get(`${PATH}?${MARCH}&size=100`).set(auditor).expect(200)
      ).body;
      expect(capped).toMatchObject({ size: 30, requestedSize: 100, populationSize: 30 });
      const weekly = (
        await request(server)
          .get(
            `/api/v1/services/payments-api/controls/backup-tested/sample?from=2026-01-05T00:00:00Z&to=2026-04-06T00:00:00Z`,
          )
          .set(auditor)
          .expect(200)
      ).body;
      expect(weekly).toMatchObject({ frequency: 'weekly', size: 5, populationSize: 13 });
      expect(weekly.items.every((i: { status: string }) => i.status === 'missed')).toBe(true);
    });

    it('answers 404 for a pair without assignment, 403 for a service the key may not see, 400 for a bad size', async () => {
      await request(server)
        .get(`/api/v1/services/billing-api/controls/mfa-enforced/sample?${MARCH}`)
        .set(auditor)
        .expect(404);
      await request(server).get(`${PATH}?${MARCH}`).set(limited).expect(403);
      const bad = await request(server).get(`${PATH}?${MARCH}&size=0`).set(auditor).expect(400);
      expect(bad.body.errors).toEqual([
        { parameter: 'size', detail: 'must be an integer from 1 to 10000' },
      ]);
    });
  });
});
