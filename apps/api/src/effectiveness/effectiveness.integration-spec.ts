import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { rollUp } from '@vigil/domain';
import { EffectivenessSnapshotRepository, createDataSource } from '@vigil/persistence';
import { TestDatabase, appEnv, createTestDatabase } from '../../../../test/support/infra';
import {
  seedCatalog,
  seedResults,
  seededEventId,
  withClient,
} from '../../../../test/support/seed-effectiveness';
import { createApi } from '../bootstrap';
import { EffectivenessController } from './effectiveness.controller';

const ADMIN_KEY = 'vigil-test-admin-key-0123456789';
const WINDOW = { from: '2026-03-01T00:00:00Z', to: '2026-03-11T00:00:00Z' };
const H = 3600;

describe(EffectivenessController.name, () => {
  let db: TestDatabase;
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  let mfaSeqs: string[];
  let auditorKey: string;

  const get = (path: string, key = ADMIN_KEY) =>
    request(server).get(path).set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    await withClient(db.url, async (client) => {
      await seedCatalog(client, {
        services: ['payments-api', 'ledger'],
        controls: [
          {
            id: 'mfa-enforced',
            title: 'MFA enforced',
            frequency: 'daily',
            criteria: ['CC6.1', 'CC6.2'],
          },
          {
            id: 'backup-verified',
            frequency: 'weekly',
            tolerableDeviationRate: 0.5,
            criteria: ['CC6.1', 'A1.2'],
          },
        ],
        assignments: [
          { service: 'payments-api', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z' },
          { service: 'payments-api', control: 'backup-verified', from: '2026-01-01T00:00:00Z' },
          { service: 'ledger', control: 'mfa-enforced', from: '2026-03-05T00:00:00Z' },
        ],
      });
      const mfa = (
        outcome: 'pass' | 'fail' | 'error' | 'not_applicable',
        time: string,
        extra = {},
      ) => ({
        serviceId: 'payments-api',
        controlId: 'mfa-enforced',
        outcome,
        time,
        ...extra,
      });
      mfaSeqs = await seedResults(client, [
        mfa('pass', '2026-02-28T10:00:00Z'),
        mfa('pass', '2026-03-01T10:00:00Z', { evidenceUri: 's3://e/1.json' }),
        mfa('fail', '2026-03-02T10:00:00Z', { evidenceUri: 's3://e/2.json' }),
        mfa('pass', '2026-03-04T10:00:00Z'),
        mfa('not_applicable', '2026-03-05T10:00:00Z'),
        mfa('pass', '2026-03-06T10:00:00Z', { late: true }),
        mfa('error', '2026-03-07T10:00:00Z'),
        mfa('pass', '2026-03-08T12:00:00Z'),
        mfa('pass', '2026-03-09T10:00:00Z'),
        mfa('pass', '2026-03-10T10:00:00Z'),
        mfa('pass', '2026-03-11T10:00:00Z'),
        {
          serviceId: 'payments-api',
          controlId: 'backup-verified',
          outcome: 'pass',
          time: '2026-03-03T10:00:00Z',
        },
        ...[5, 6, 7, 8, 9, 10].map((d) => ({
          serviceId: 'ledger',
          controlId: 'mfa-enforced',
          outcome: 'pass' as const,
          time: `2026-03-${String(d).padStart(2, '0')}T09:00:00Z`,
        })),
      ]);
    });
    ({ app } = await createApi(appEnv(db, undefined, { VIGIL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY })));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer();
    const created = await request(server)
      .post('/api/v1/keys')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ name: 'ledger auditor', role: 'auditor', services: ['ledger'] })
      .expect(201);
    auditorKey = (created.body as { secret: string }).secret;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  // payments-api × mfa-enforced (daily) over [Mar 1, Mar 11): slots 1 passed, 2 failed, 3 missed,
  // 4 passed, 5 not_applicable, 6 passed (late), 7 failed (error), 8–10 passed. Episodes:
  // Mar 2 10:00 → Mar 4 10:00 (48 h) and Mar 7 10:00 → Mar 8 12:00 (26 h). Time in compliance
  // (fresh for 2 d): compliant 10+24+24+24+22+24+14 = 142 h of 240 − 24 (not_applicable) = 216 h.
  const mfaPair = {
    serviceId: 'payments-api',
    controlId: 'mfa-enforced',
    title: 'MFA enforced',
    criteria: ['CC6.1', 'CC6.2'],
    frequency: 'daily',
    tolerableDeviationRate: 0.05,
    expectedOccurrences: 9,
    passedOccurrences: 6,
    failedOccurrences: 2,
    missedOccurrences: 1,
    notApplicableOccurrences: 1,
    deviations: 3,
    deviationRate: 3 / 9,
    coverage: 8 / 9,
    longestDeviationStreak: 2,
    remediatedEpisodes: 2,
    openEpisodes: 0,
    mttrSeconds: (48 * H + 26 * H) / 2,
    timeInCompliance: 142 / 216,
    resultCounts: { pass: 6, fail: 1, error: 1, notApplicable: 1 },
    lateResults: 1,
    verdict: 'not_effective',
    meetsMinimumPeriod: false,
    inScopeSeconds: 240 * H,
    complianceSeconds: { compliant: 142 * H, considered: 216 * H },
  };
  // payments-api × backup-verified (weekly): one whole ISO week (Mon Mar 2 – Mon Mar 9), passed
  // Mar 3; no result before it, so the first 58 h are not compliant, the remaining 182 h are.
  const backupPair = {
    controlId: 'backup-verified',
    expectedOccurrences: 1,
    passedOccurrences: 1,
    deviations: 0,
    deviationRate: 0,
    timeInCompliance: 182 / 240,
    verdict: 'effective',
    resultCounts: { pass: 1, fail: 0, error: 0, notApplicable: 0 },
  };

  describe('GET /api/v1/services/{id}/effectiveness', () => {
    it('rolls up the hand-computed pairs of the service when given a window', async () => {
      const res = await get(
        `/api/v1/services/payments-api/effectiveness?from=${WINDOW.from}&to=${WINDOW.to}`,
      ).expect(200);
      expect(res.body).toMatchObject({
        serviceId: 'payments-api',
        window: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' },
        asOf: '2026-03-11T00:00:00.000Z',
        pairCount: 2,
        expectedOccurrences: 10,
        passedOccurrences: 7,
        failedOccurrences: 2,
        missedOccurrences: 1,
        notApplicableOccurrences: 1,
        deviations: 3,
        deviationRate: 0.3,
        coverage: 0.9,
        remediatedEpisodes: 2,
        openEpisodes: 0,
        mttrSeconds: 37 * H,
        resultCounts: { pass: 7, fail: 1, error: 1, notApplicable: 1 },
        lateResults: 1,
        verdict: 'not_effective',
        verdictCounts: {
          not_in_scope: 0,
          effective: 1,
          effective_with_exceptions: 0,
          not_effective: 1,
        },
      });
      expect(res.body.timeInCompliance).toBeCloseTo((142 + 182) / (216 + 240), 12);
      const controls = res.body.controls as Array<Record<string, unknown>>;
      expect(controls.map((c) => c.controlId)).toEqual(['backup-verified', 'mfa-enforced']);
      expect(controls[1]).toEqual(mfaPair);
      expect(controls[0]).toMatchObject(backupPair);
    });

    it('answers 404 when the service is unknown', async () => {
      const res = await get('/api/v1/services/nope/effectiveness').expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('answers 403 when an auditor key is limited to other services', async () => {
      await get('/api/v1/services/payments-api/effectiveness', auditorKey).expect(403);
      await get('/api/v1/services/ledger/effectiveness', auditorKey).expect(200);
    });

    it('answers 400 when the window is malformed', async () => {
      await get('/api/v1/services/payments-api/effectiveness?window=90 days').expect(400);
    });
  });

  describe('GET /api/v1/services/{id}/controls/{controlId}/effectiveness', () => {
    it('lists every expected slot with its status, result ids and evidence', async () => {
      const res = await get(
        `/api/v1/services/payments-api/controls/mfa-enforced/effectiveness?from=${WINDOW.from}&to=${WINDOW.to}`,
      ).expect(200);
      expect(res.body).toMatchObject({ ...mfaPair, window: { from: '2026-03-01T00:00:00.000Z' } });
      const slots = res.body.slots as Array<{
        start: string;
        end: string;
        status: string;
        resultIds: string[];
        evidenceUris: string[];
      }>;
      expect(slots.map((s) => s.status)).toEqual([
        'passed',
        'failed',
        'missed',
        'passed',
        'not_applicable',
        'passed',
        'failed',
        'passed',
        'passed',
        'passed',
      ]);
      expect(slots[0]).toEqual({
        start: '2026-03-01T00:00:00.000Z',
        end: '2026-03-02T00:00:00.000Z',
        status: 'passed',
        resultIds: [seededEventId(mfaSeqs[1])],
        evidenceUris: ['s3://e/1.json'],
      });
      expect(slots[1].evidenceUris).toEqual(['s3://e/2.json']);
      expect(slots[2].resultIds).toEqual([]);
    });

    it('answers 404 when the control is unknown or never assigned to the service', async () => {
      await get('/api/v1/services/payments-api/controls/nope/effectiveness').expect(404);
      await get('/api/v1/services/ledger/controls/backup-verified/effectiveness').expect(404);
    });

    it('answers not_in_scope for a pair assigned only after the window', async () => {
      // ledger × mfa-enforced is assigned from Mar 5: nothing of Mar 1–5 is in scope.
      const res = await get(
        '/api/v1/services/ledger/controls/mfa-enforced/effectiveness' +
          '?from=2026-03-01T00:00:00Z&to=2026-03-05T00:00:00Z',
      ).expect(200);
      expect(res.body).toMatchObject({
        serviceId: 'ledger',
        controlId: 'mfa-enforced',
        expectedOccurrences: 0,
        deviationRate: null,
        timeInCompliance: null,
        inScopeSeconds: 0,
        meetsMinimumPeriod: false,
        verdict: 'not_in_scope',
        slots: [],
      });
    });
  });

  describe('GET /api/v1/effectiveness', () => {
    it('rolls up the fleet with one row per service', async () => {
      const res = await get(`/api/v1/effectiveness?from=${WINDOW.from}&to=${WINDOW.to}`).expect(
        200,
      );
      // ledger × mfa-enforced: assigned from Mar 5, six daily slots, all passed.
      expect(res.body).toMatchObject({
        pairCount: 3,
        expectedOccurrences: 16,
        passedOccurrences: 13,
        deviations: 3,
        deviationRate: 3 / 16,
        verdict: 'not_effective',
        verdictCounts: {
          not_in_scope: 0,
          effective: 2,
          effective_with_exceptions: 0,
          not_effective: 1,
        },
      });
      const services = res.body.services as Array<Record<string, unknown>>;
      expect(
        services.map((s) => [s.serviceId, s.pairCount, s.expectedOccurrences, s.verdict]),
      ).toEqual([
        ['ledger', 1, 6, 'effective'],
        ['payments-api', 2, 10, 'not_effective'],
      ]);
    });

    it('lists every service, one without a pair in the window as not in scope', async () => {
      // ledger's only assignment starts on Mar 5, when this window ends.
      const res = await get(
        '/api/v1/effectiveness?from=2026-03-01T00:00:00Z&to=2026-03-05T00:00:00Z',
      ).expect(200);
      expect(res.body.pairCount).toBe(2);
      const services = res.body.services as Array<Record<string, unknown>>;
      expect(services.map((s) => [s.serviceId, s.pairCount, s.verdict])).toEqual([
        ['ledger', 0, 'not_in_scope'],
        ['payments-api', 2, expect.any(String)],
      ]);
      expect(services[0]).toMatchObject({ expectedOccurrences: 0, deviationRate: null });
    });

    it('shows a limited auditor only its services', async () => {
      const res = await get(
        `/api/v1/effectiveness?from=${WINDOW.from}&to=${WINDOW.to}`,
        auditorKey,
      ).expect(200);
      expect(res.body.pairCount).toBe(1);
      expect((res.body.services as Array<{ serviceId: string }>).map((s) => s.serviceId)).toEqual([
        'ledger',
      ]);
    });
  });

  describe('GET /api/v1/criteria/{criterionId}/effectiveness', () => {
    it('rolls up the pairs whose control maps to the criterion', async () => {
      const res = await get(
        `/api/v1/criteria/CC6.2/effectiveness?from=${WINDOW.from}&to=${WINDOW.to}`,
      ).expect(200);
      expect(res.body).toMatchObject({
        criterionId: 'CC6.2',
        pairCount: 2,
        expectedOccurrences: 15,
        deviations: 3,
      });
      expect((res.body.pairs as Array<{ serviceId: string }>).map((p) => p.serviceId)).toEqual([
        'ledger',
        'payments-api',
      ]);
      const a12 = await get(
        `/api/v1/criteria/A1.2/effectiveness?from=${WINDOW.from}&to=${WINDOW.to}`,
      ).expect(200);
      expect(a12.body).toMatchObject({ pairCount: 1, verdict: 'effective' });
    });

    it('answers 404 when the criterion is unknown', async () => {
      await get('/api/v1/criteria/XX9.9/effectiveness').expect(404);
    });
  });

  describe('GET /api/v1/services/{id}/controls/{controlId}/results', () => {
    it('pages the raw history in (time, seq) order when given a limit', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(
          `/api/v1/services/payments-api/controls/mfa-enforced/results?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        ).expect(200);
        seen.push(...(res.body.items as Array<{ seq: string }>).map((r) => r.seq));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      expect(seen).toEqual(mfaSeqs.slice(0, 11));
    });

    it('filters by window and outcome', async () => {
      const res = await get(
        `/api/v1/services/payments-api/controls/mfa-enforced/results?from=${WINDOW.from}&to=${WINDOW.to}&outcome=fail,error`,
      ).expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          seq: mfaSeqs[2],
          outcome: 'fail',
          time: '2026-03-02T10:00:00.000000Z',
          evidence: { uri: 's3://e/2.json' },
        }),
        expect.objectContaining({ seq: mfaSeqs[6], outcome: 'error' }),
      ]);
      expect(res.body.nextCursor).toBeNull();
      // SPEC §3 names the event's id `id`; `eventId` stays for earlier clients.
      const [first] = res.body.items as Array<{ id: string; eventId: string; source: string }>;
      expect(first.id).toBe(seededEventId(mfaSeqs[2]));
      expect(first.eventId).toBe(first.id);
    });

    it('answers 400 when the cursor is forged', async () => {
      await get('/api/v1/services/payments-api/controls/mfa-enforced/results?cursor=abc').expect(
        400,
      );
    });

    describe('when given window (ending now)', () => {
      // payments-api × legacy-scan: the control is not in the catalogue (an unmapped pair).
      const RECENT = '/api/v1/services/payments-api/controls/legacy-scan/results';
      const DAY = 86_400_000;
      let recentSeqs: string[];

      beforeAll(async () => {
        const ago = (days: number) => new Date(Date.now() - days * DAY - H * 1000).toISOString();
        recentSeqs = await withClient(db.url, (client) =>
          seedResults(client, [
            {
              serviceId: 'payments-api',
              controlId: 'legacy-scan',
              outcome: 'pass',
              time: ago(100),
            },
            { serviceId: 'payments-api', controlId: 'legacy-scan', outcome: 'fail', time: ago(20) },
            { serviceId: 'payments-api', controlId: 'legacy-scan', outcome: 'pass', time: ago(5) },
            { serviceId: 'payments-api', controlId: 'legacy-scan', outcome: 'fail', time: ago(1) },
          ]),
        );
      });

      const seqsOf = (body: { items: Array<{ seq: string }> }) => body.items.map((r) => r.seq);

      it('returns only the results of the window', async () => {
        const week = await get(`${RECENT}?window=P7D`).expect(200);
        expect(seqsOf(week.body)).toEqual(recentSeqs.slice(2));
        expect(week.body.nextCursor).toBeNull();
        const month = await get(`${RECENT}?window=P30D`).expect(200);
        expect(seqsOf(month.body)).toEqual(recentSeqs.slice(1));
        const year = await get(`${RECENT}?window=P1Y`).expect(200);
        expect(seqsOf(year.body)).toEqual(recentSeqs);
        const all = await get(RECENT).expect(200);
        expect(seqsOf(all.body)).toEqual(recentSeqs);
      });

      it('pages and filters by outcome within the window', async () => {
        const first = await get(`${RECENT}?window=P30D&limit=2`).expect(200);
        expect(seqsOf(first.body)).toEqual(recentSeqs.slice(1, 3));
        expect(first.body.nextCursor).toEqual(expect.any(String));
        const second = await get(
          `${RECENT}?window=P30D&limit=2&cursor=${first.body.nextCursor as string}`,
        ).expect(200);
        expect(seqsOf(second.body)).toEqual(recentSeqs.slice(3));
        expect(second.body.nextCursor).toBeNull();
        const fails = await get(`${RECENT}?window=P30D&outcome=fail`).expect(200);
        expect(seqsOf(fails.body)).toEqual([recentSeqs[1], recentSeqs[3]]);
      });

      it('answers 400 naming window when it is invalid or given with from/to', async () => {
        for (const query of [
          'window=90',
          'window=P0D',
          'window=P6Y',
          `window=P7D&from=${WINDOW.from}`,
          `window=P7D&to=${WINDOW.to}`,
        ]) {
          const res = await get(`${RECENT}?${query}`).expect(400);
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect([query, res.body.errors[0].parameter]).toEqual([query, 'window']);
        }
      });
    });

    describe('for pairs the catalogue does not know', () => {
      beforeAll(async () => {
        await withClient(db.url, (client) =>
          seedResults(client, [
            {
              serviceId: 'ghost-service',
              controlId: 'mfa-enforced',
              outcome: 'fail',
              time: '2026-03-02T10:00:00Z',
            },
            {
              serviceId: 'ghost-service',
              controlId: 'ghost-control',
              outcome: 'pass',
              time: '2026-03-03T10:00:00Z',
              evidenceUri: 's3://e/ghost.json',
            },
          ]),
        );
      });

      it('returns the stored results of a pair whose service or control is unknown', async () => {
        const service = await get('/api/v1/services/ghost-service/controls/mfa-enforced/results');
        expect(service.status).toBe(200);
        expect(service.body.items).toEqual([
          expect.objectContaining({
            serviceId: 'ghost-service',
            controlId: 'mfa-enforced',
            outcome: 'fail',
            time: '2026-03-02T10:00:00.000000Z',
          }),
        ]);
        expect(service.body.nextCursor).toBeNull();
        const both = await get(
          '/api/v1/services/ghost-service/controls/ghost-control/results',
        ).expect(200);
        expect(both.body.items).toEqual([
          expect.objectContaining({ outcome: 'pass', evidence: { uri: 's3://e/ghost.json' } }),
        ]);
      });

      it('answers 200 with an empty page when the filters leave none of its results', async () => {
        const res = await get(
          '/api/v1/services/ghost-service/controls/ghost-control/results?outcome=fail',
        ).expect(200);
        expect(res.body).toEqual({ items: [], nextCursor: null });
      });

      it('answers 404 when the pair is unknown and has no results at all', async () => {
        for (const path of [
          '/api/v1/services/ghost-service/controls/backup-verified/results',
          '/api/v1/services/nope/controls/nope/results',
          '/api/v1/services/payments-api/controls/nope/results',
          '/api/v1/services/nope/controls/mfa-enforced/results',
        ]) {
          const res = await get(path);
          expect([path, res.status]).toEqual([path, 404]);
          expect(res.headers['content-type']).toContain('application/problem+json');
        }
      });

      it('answers 200 with an empty page for a known pair without results', async () => {
        const res = await get('/api/v1/services/ledger/controls/backup-verified/results').expect(
          200,
        );
        expect(res.body).toEqual({ items: [], nextCursor: null });
      });

      it('keeps a limited auditor to its services, known or not', async () => {
        await get(
          '/api/v1/services/ghost-service/controls/ghost-control/results',
          auditorKey,
        ).expect(403);
        await get('/api/v1/services/payments-api/controls/mfa-enforced/results', auditorKey).expect(
          403,
        );
        await get('/api/v1/services/ledger/controls/mfa-enforced/results', auditorKey).expect(200);
        await get('/api/v1/services/ledger/controls/nope/results', auditorKey).expect(404);
      });
    });
  });

  describe('GET /api/v1/effectiveness/trend', () => {
    it('returns the daily snapshots of the scope and period in the window', async () => {
      const ds: DataSource = await createDataSource({ url: db.url, poolSize: 1 }).initialize();
      try {
        const data = { ...mfaPair, pairs: 1 };
        await new EffectivenessSnapshotRepository(ds).upsertSnapshots(
          ['2026-03-10', '2026-03-11', '2026-03-12'].map((day) => ({
            scope: { kind: 'pair' as const, serviceId: 'payments-api', controlId: 'mfa-enforced' },
            periodDays: 30,
            day,
            window: {
              from: new Date(Date.parse(`${day}T00:00:00Z`) - 30 * 86_400_000),
              to: new Date(`${day}T00:00:00Z`),
            },
            data: data as never,
          })),
        );
      } finally {
        await ds.destroy();
      }
      const res = await get(
        '/api/v1/effectiveness/trend?service=payments-api&control=mfa-enforced&period=30&from=2026-03-11T00:00:00Z&to=2026-03-13T00:00:00Z',
      ).expect(200);
      expect(res.body.scope).toEqual({
        kind: 'pair',
        serviceId: 'payments-api',
        controlId: 'mfa-enforced',
      });
      expect((res.body.items as Array<{ day: string }>).map((i) => i.day)).toEqual([
        '2026-03-11',
        '2026-03-12',
      ]);
      expect(res.body.items[0]).toMatchObject({
        verdict: 'not_effective',
        deviations: 3,
        expectedOccurrences: 9,
      });
      await get('/api/v1/effectiveness/trend?period=7').expect(400);
      await get('/api/v1/effectiveness/trend', auditorKey).expect(403);
      // SPEC §6's own template, with its empty values: the fleet's trend.
      const template = await get(
        '/api/v1/effectiveness/trend?service=&control=&window=P90D',
      ).expect(200);
      expect(template.body).toMatchObject({ scope: { kind: 'fleet' }, periodDays: 90 });
    });

    it("reads window=P30D as the 30-day trend, and names a rollup's fields as live rollups do", async () => {
      const ds: DataSource = await createDataSource({ url: db.url, poolSize: 1 }).initialize();
      const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
      const yesterday = new Date(today.getTime() - 86_400_000).toISOString().slice(0, 10);
      const rollup = rollUp([{ ...mfaPair, remediatedMicroseconds: 74 * H * 1e6 } as never]);
      try {
        await new EffectivenessSnapshotRepository(ds).upsertSnapshots(
          [30, 90].map((periodDays) => ({
            scope: { kind: 'service' as const, serviceId: 'payments-api' },
            periodDays,
            day: yesterday,
            window: {
              from: new Date(Date.parse(`${yesterday}T00:00:00Z`) - periodDays * 86_400_000),
              to: new Date(`${yesterday}T00:00:00Z`),
            },
            data: rollup,
          })),
        );
      } finally {
        await ds.destroy();
      }
      const res = await get('/api/v1/effectiveness/trend?service=payments-api&window=P30D').expect(
        200,
      );
      expect(res.body.periodDays).toBe(30);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0].window.from).toBe(
        new Date(Date.parse(`${yesterday}T00:00:00Z`) - 30 * 86_400_000).toISOString(),
      );
      expect(res.body.items[0].effectiveness).toMatchObject({
        pairCount: 1,
        verdict: rollup.verdict,
      });
      expect(res.body.items[0].effectiveness).not.toHaveProperty('pairs');
      const other = await get(
        '/api/v1/effectiveness/trend?service=payments-api&window=P45D',
      ).expect(200);
      expect(other.body.periodDays).toBe(90);
      await get('/api/v1/effectiveness/trend', auditorKey).expect(403);
    });
  });

  it('documents every effectiveness path in the OpenAPI document', async () => {
    const res = await request(server).get('/api/docs-json').expect(200);
    const doc = res.body as {
      paths: Record<
        string,
        {
          get?: {
            parameters?: Array<{ name: string; in: string }>;
            responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
          };
        }
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const expected: Record<string, string> = {
      '/api/v1/effectiveness': 'FleetEffectivenessDto',
      '/api/v1/effectiveness/trend': 'TrendDto',
      '/api/v1/services/{id}/effectiveness': 'ServiceEffectivenessDto',
      '/api/v1/services/{id}/controls/{controlId}/effectiveness': 'PairEffectivenessResponseDto',
      '/api/v1/services/{id}/controls/{controlId}/results': 'StoredResultPageDto',
      '/api/v1/criteria/{criterionId}/effectiveness': 'CriterionEffectivenessDto',
    };
    for (const [path, schema] of Object.entries(expected)) {
      const ok = doc.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema.$ref;
      expect([path, ok]).toEqual([path, `#/components/schemas/${schema}`]);
    }
    const history = doc.paths['/api/v1/services/{id}/controls/{controlId}/results'].get;
    expect((history?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'window', 'outcome', 'limit', 'cursor']),
    );
    expect(Object.keys(doc.components.schemas.PairEffectivenessDto.properties ?? {})).toEqual(
      expect.arrayContaining([
        'expectedOccurrences',
        'deviationRate',
        'timeInCompliance',
        'verdict',
        'meetsMinimumPeriod',
      ]),
    );
  });
});
