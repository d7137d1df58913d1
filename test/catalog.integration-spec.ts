import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ApiKeysRepository, CatalogRepository, issueApiKey } from '@vigil/persistence';
import { createApi } from '../apps/api/src/bootstrap';
import { CatalogController } from '../apps/api/src/catalog/catalog.controller';
import { TestDatabase, appEnv, createTestDatabase } from './support/infra';

const ADMIN_KEY = 'catalog-test-admin-key-0123456789';
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

interface TscEntry {
  id: string;
  category: string;
  title: string;
  cosoPrinciple: number | null;
}
const TSC = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'tsc-2017.json'), 'utf8'),
) as TscEntry[];

type Item = Record<string, unknown>;
interface Doc {
  services: Item[];
  controls: Item[];
  assignments: Item[];
}

/** A small catalogue; every test builds its own copy and changes it. */
function baseDoc(overrides: Partial<Doc> = {}): Doc {
  return {
    services: [
      { id: 'payments-api', name: 'Payments API', owner: 'team-payments' },
      {
        id: 'identity-service',
        name: 'Identity',
        owner: 'team-identity',
        description: 'SSO and MFA',
      },
    ],
    controls: [
      {
        id: 'mfa-enforced',
        title: 'MFA enforced for all console users',
        criteria: ['CC6.1', 'CC6.2'],
        frequency: 'daily',
        tolerableDeviationRate: 0.05,
      },
      {
        id: 'backup-restore-tested',
        title: 'Backups restored and tested',
        owner: 'team-sre',
        criteria: ['A1.2', 'A1.3'],
        frequency: 'monthly',
      },
    ],
    assignments: [
      { service: 'payments-api', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z' },
      { service: 'identity-service', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z' },
      { service: 'payments-api', control: 'backup-restore-tested', from: '2026-01-01T00:00:00Z' },
    ],
    ...overrides,
  };
}

/** The state the lifecycle tests above leave behind, as a document. */
function reappliedDoc(): Doc {
  const doc = baseDoc();
  doc.controls[0].frequency = 'hourly';
  doc.assignments = [
    {
      service: 'identity-service',
      control: 'mfa-enforced',
      from: '2026-01-01T00:00:00Z',
      to: '2026-06-01T00:00:00Z',
    },
    { service: 'identity-service', control: 'mfa-enforced', from: '2026-09-01T00:00:00Z' },
    { service: 'payments-api', control: 'mfa-enforced', from: '2030-01-01T00:00:00Z' },
  ];
  return doc;
}

const noChanges = {
  added: { services: [], controls: [], assignments: [] },
  changed: { services: [], controls: [], assignments: [] },
  ended: { assignments: [] },
  retired: { services: [], controls: [] },
};

describe(CatalogController.name, () => {
  let db: TestDatabase;
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  let repository: CatalogRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createApi(appEnv(db, undefined, { VIGIL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY })));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer();
    repository = new CatalogRepository(app.get(DataSource));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const putYaml = (doc: unknown, query = '') =>
    request(server)
      .put(`/api/v1/catalog${query}`)
      .set(auth)
      .set('Content-Type', 'application/yaml')
      .send(typeof doc === 'string' ? doc : toYaml(doc));
  const putJson = (doc: unknown, query = '') =>
    request(server)
      .put(`/api/v1/catalog${query}`)
      .set(auth)
      .set('Content-Type', 'application/json')
      .send(typeof doc === 'string' ? doc : JSON.stringify(doc));
  const get = (path: string) => request(server).get(path).set(auth);
  const countRows = async (table: string) =>
    Number(
      (await app.get(DataSource).query<[{ n: string }]>(`SELECT count(*) AS n FROM ${table}`))[0].n,
    );

  describe('GET /api/v1/criteria', () => {
    it('lists every AICPA 2017 criterion, in order, when no category is given', async () => {
      const res = await get('/api/v1/criteria').expect(200);
      expect(res.body.items).toHaveLength(TSC.length);
      expect(res.body.items.map((c: { id: string }) => c.id)).toEqual(TSC.map((c) => c.id));
      expect(res.body.items[0].id).toBe('CC1.1');
      expect(res.body.items[res.body.items.length - 1].id).toBe('P8.1');
      for (const id of ['CC6.1', 'A1.2', 'C1.1', 'PI1.3', 'P8.1']) {
        const expected = TSC.find((c) => c.id === id)!;
        const actual = res.body.items.find((c: { id: string }) => c.id === id);
        expect(actual).toMatchObject({
          id,
          title: expected.title,
          category: expected.category,
          cosoPrinciple: expected.cosoPrinciple,
        });
      }
    });

    it('filters by category name or id prefix when category is given', async () => {
      const availability = TSC.filter((c) => c.category === 'Availability').map((c) => c.id);
      const byName = await get('/api/v1/criteria?category=availability').expect(200);
      expect(byName.body.items.map((c: { id: string }) => c.id)).toEqual(availability);
      const byCode = await get('/api/v1/criteria?category=PI').expect(200);
      expect(byCode.body.items.map((c: { id: string }) => c.id)).toEqual(
        TSC.filter((c) => c.id.startsWith('PI')).map((c) => c.id),
      );
    });

    it('returns every criterion once, in order, when paged with limit and cursor', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(
          `/api/v1/criteria?limit=5${cursor === null ? '' : `&cursor=${cursor}`}`,
        ).expect(200);
        const items = res.body.items as Array<{ id: string }>;
        pages += 1;
        expect(items.length).toBeLessThanOrEqual(5);
        expect(items.length).toBeGreaterThan(0);
        ids.push(...items.map((c) => c.id));
        cursor = res.body.nextCursor as string | null;
        expect(pages).toBeLessThanOrEqual(TSC.length);
      } while (cursor !== null);
      expect(ids).toEqual(TSC.map((c) => c.id));
      expect(new Set(ids).size).toBe(TSC.length);
      expect(pages).toBe(Math.ceil(TSC.length / 5));
    });

    it('answers nextCursor null when one page holds every criterion', async () => {
      const res = await get('/api/v1/criteria').expect(200);
      expect(res.body.nextCursor).toBeNull();
      const exact = await get(`/api/v1/criteria?limit=${TSC.length}`).expect(200);
      expect(exact.body.items).toHaveLength(TSC.length);
      expect(exact.body.nextCursor).toBeNull();
    });

    it('pages within a category when given category, limit and cursor', async () => {
      const availability = TSC.filter((c) => c.category === 'Availability').map((c) => c.id);
      const first = await get('/api/v1/criteria?category=A&limit=2').expect(200);
      expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(availability.slice(0, 2));
      const rest = await get(
        `/api/v1/criteria?category=A&limit=100&cursor=${first.body.nextCursor as string}`,
      ).expect(200);
      expect(rest.body.items.map((c: { id: string }) => c.id)).toEqual(availability.slice(2));
      expect(rest.body.nextCursor).toBeNull();
    });

    it('answers 400 naming the parameter when limit or cursor is invalid', async () => {
      const unknownId = Buffer.from(JSON.stringify(['ZZ9.9'])).toString('base64url');
      for (const [query, parameter] of [
        ['limit=0', 'limit'],
        ['limit=1001', 'limit'],
        ['cursor=not-a-cursor!', 'cursor'],
        [`cursor=${unknownId}`, 'cursor'],
      ]) {
        const res = await get(`/api/v1/criteria?${query}`).expect(400);
        expect([query, res.body.errors[0].parameter]).toEqual([query, parameter]);
      }
    });

    it('answers 400 naming the parameter when the category is unknown', async () => {
      const res = await get('/api/v1/criteria?category=Quantum').expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors[0].parameter).toBe('category');
    });
  });

  describe('PUT /api/v1/catalog', () => {
    it('adds everything when the catalogue is applied for the first time', async () => {
      const res = await putYaml(baseDoc()).expect(200);
      expect(res.body).toMatchObject({
        dryRun: false,
        added: {
          services: ['payments-api', 'identity-service'],
          controls: ['mfa-enforced', 'backup-restore-tested'],
          assignments: [
            {
              service: 'payments-api',
              control: 'mfa-enforced',
              from: '2026-01-01T00:00:00Z',
              to: null,
            },
            {
              service: 'identity-service',
              control: 'mfa-enforced',
              from: '2026-01-01T00:00:00Z',
              to: null,
            },
            {
              service: 'payments-api',
              control: 'backup-restore-tested',
              from: '2026-01-01T00:00:00Z',
              to: null,
            },
          ],
        },
        changed: noChanges.changed,
        ended: noChanges.ended,
        retired: noChanges.retired,
        unchanged: 0,
      });
      expect(res.body.documentSha256).toMatch(/^[0-9a-f]{64}$/);
      const control = await get('/api/v1/controls/backup-restore-tested').expect(200);
      expect(control.body).toMatchObject({
        id: 'backup-restore-tested',
        frequency: 'monthly',
        tolerableDeviationRate: 0.05, // the SPEC's default
        owner: 'team-sre',
        criteria: ['A1.2', 'A1.3'],
        active: true,
      });
    });

    it('changes nothing when the same document is applied again', async () => {
      const before = await countRows('control_versions');
      const res = await putYaml(baseDoc()).expect(200);
      expect(res.body).toMatchObject({ ...noChanges, unchanged: 7 });
      await expect(countRows('control_versions')).resolves.toBe(before);
    });

    it('changes nothing when the same document comes as JSON', async () => {
      const res = await putJson(baseDoc()).expect(200);
      expect(res.body).toMatchObject({ ...noChanges, unchanged: 7 });
    });

    it('computes the changes and writes nothing when dryRun=true', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.services.push({ id: 'web-frontend', name: 'Web', owner: 'team-web' });
      const res = await putYaml(doc, '?dryRun=true').expect(200);
      expect(res.body).toMatchObject({
        dryRun: true,
        added: { services: ['web-frontend'] },
        changed: { controls: ['mfa-enforced'] },
      });
      await get('/api/v1/services/web-frontend').expect(404);
      const control = await get('/api/v1/controls/mfa-enforced').expect(200);
      expect(control.body.frequency).toBe('daily');
      expect(control.body.versions).toHaveLength(1);
    });

    it('reads a text/plain body as YAML, as curl --data-binary sends it', async () => {
      const res = await request(server)
        .put('/api/v1/catalog?dryRun=true')
        .set(auth)
        .set('Content-Type', 'text/plain; charset=utf-8')
        .send(toYaml(baseDoc()))
        .expect(200);
      expect(res.body).toMatchObject({ dryRun: true, ...noChanges });
      await request(server)
        .post('/api/v1/results')
        .set(auth)
        .set('Content-Type', 'text/plain')
        .send('{}')
        .expect(415);
    });

    it('opens a new version and closes the old one when a control frequency changes', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      const res = await putYaml(doc).expect(200);
      expect(res.body).toMatchObject({ ...noChanges, changed: { controls: ['mfa-enforced'] } });
      const appliedAt = res.body.appliedAt as string;

      const control = await get('/api/v1/controls/mfa-enforced').expect(200);
      expect(control.body.frequency).toBe('hourly');
      expect(control.body.versions).toEqual([
        expect.objectContaining({
          validFrom: '1970-01-01T00:00:00.000Z',
          validTo: appliedAt,
          frequency: 'daily',
        }),
        expect.objectContaining({ validFrom: appliedAt, validTo: null, frequency: 'hourly' }),
      ]);

      // Every window, past ones too, is evaluated with the current definition (SPEC §5: "the
      // control's frequency"); the versions above stay recorded for as-of queries (SPEC §9).
      const [pair] = await repository.findPairScopes({
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-02-01T00:00:00Z'),
        serviceIds: ['payments-api'],
        controlId: 'mfa-enforced',
      });
      expect(pair.versions).toHaveLength(1);
      expect(pair.versions[0]).toMatchObject({ frequency: 'hourly', validTo: null });
      expect(pair.versions[0].validFrom.getTime()).toBeLessThan(Date.parse('1970-01-01'));
      expect(pair.assignments).toEqual([{ from: new Date('2026-01-01T00:00:00Z'), to: null }]);
    });

    it('does not open a version when only the order of criteria changes', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.controls[0].criteria = ['CC6.2', 'CC6.1'];
      const res = await putYaml(doc).expect(200);
      expect(res.body).toMatchObject({ ...noChanges, unchanged: 7 });
    });

    it('ends an assignment and keeps it when the document gives it a to', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments[1].to = '2026-06-01T00:00:00Z';
      const res = await putYaml(doc).expect(200);
      expect(res.body).toMatchObject({
        ...noChanges,
        ended: {
          assignments: [
            {
              service: 'identity-service',
              control: 'mfa-enforced',
              from: '2026-01-01T00:00:00Z',
              to: '2026-06-01T00:00:00Z',
            },
          ],
        },
      });
      const service = await get('/api/v1/services/identity-service').expect(200);
      expect(service.body.assignments).toEqual([
        expect.objectContaining({
          controlId: 'mfa-enforced',
          from: '2026-01-01T00:00:00.000Z',
          to: '2026-06-01T00:00:00.000Z',
          state: 'ended',
        }),
      ]);
      expect(service.body.assignments[0].endedAt).toBe(res.body.appliedAt);
      // Applying the same document again changes nothing.
      const again = await putYaml(doc).expect(200);
      expect(again.body).toMatchObject({ ...noChanges, unchanged: 7 });
    });

    it('keeps an ended assignment as history when the document no longer lists it', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments.splice(1, 1);
      const res = await putYaml(doc).expect(200);
      expect(res.body).toMatchObject({ ...noChanges, unchanged: 6 });
      const service = await get('/api/v1/services/identity-service').expect(200);
      expect(service.body.assignments).toHaveLength(1);
      expect(service.body.assignments[0].to).toBe('2026-06-01T00:00:00.000Z');
      // Named as in the catalogue document (service, control) and as elsewhere in the API.
      expect(service.body.assignments[0]).toMatchObject({
        service: 'identity-service',
        serviceId: 'identity-service',
      });
      expect(service.body.assignments[0].control).toBe(service.body.assignments[0].controlId);
    });

    it('starts a new interval for a pair after its ended one', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments[1] = {
        service: 'identity-service',
        control: 'mfa-enforced',
        from: '2026-09-01T00:00:00Z',
      };
      const res = await putYaml(doc).expect(200);
      expect(res.body.added.assignments).toEqual([
        {
          service: 'identity-service',
          control: 'mfa-enforced',
          from: '2026-09-01T00:00:00Z',
          to: null,
        },
      ]);
      const [pair] = await repository.findPairScopes({
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2027-01-01T00:00:00Z'),
        serviceIds: ['identity-service'],
      });
      expect(pair.assignments).toEqual([
        { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') },
        { from: new Date('2026-09-01T00:00:00Z'), to: null },
      ]);
    });

    it('re-dates a running assignment the document lists with another start, without a fault', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments[0] = {
        service: 'payments-api',
        control: 'mfa-enforced',
        from: '2025-10-01T00:00:00Z',
      };
      const res = await putYaml(doc, '?dryRun=true').expect(200);
      expect(res.body.added.assignments).toContainEqual({
        service: 'payments-api',
        control: 'mfa-enforced',
        from: '2025-10-01T00:00:00Z',
        to: null,
      });
      // The recorded interval started later: it is cancelled (to = from), kept in the history.
      expect(res.body.ended.assignments).toContainEqual({
        service: 'payments-api',
        control: 'mfa-enforced',
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-01T00:00:00Z',
      });
    });

    it('answers 400 when a new interval overlaps a recorded one the document does not list', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments[1] = {
        service: 'identity-service',
        control: 'mfa-enforced',
        from: '2026-05-01T00:00:00Z',
        to: '2026-07-01T00:00:00Z',
      };
      doc.assignments.push({
        service: 'identity-service',
        control: 'mfa-enforced',
        from: '2026-09-01T00:00:00Z',
      });
      const res = await putYaml(doc).expect(400);
      expect(res.body.errors).toEqual([
        { pointer: '/assignments/1', detail: expect.stringContaining('2026-06-01T00:00:00Z') },
      ]);
    });

    it('ends running assignments and retires a service that leaves the document', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.services = doc.services.filter((s) => s.id !== 'payments-api');
      doc.assignments = [
        {
          service: 'identity-service',
          control: 'mfa-enforced',
          from: '2026-01-01T00:00:00Z',
          to: '2026-06-01T00:00:00Z',
        },
        { service: 'identity-service', control: 'mfa-enforced', from: '2026-09-01T00:00:00Z' },
      ];
      const res = await putYaml(doc).expect(200);
      const at = res.body.appliedAt.replace('.000Z', 'Z') as string;
      expect(res.body.retired).toEqual({ services: ['payments-api'], controls: [] });
      expect(res.body.ended.assignments).toEqual([
        {
          service: 'payments-api',
          control: 'backup-restore-tested',
          from: '2026-01-01T00:00:00Z',
          to: at,
        },
        { service: 'payments-api', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z', to: at },
      ]);
      const service = await get('/api/v1/services/payments-api').expect(200);
      expect(service.body).toMatchObject({ active: false, retiredAt: res.body.appliedAt });
      expect(service.body.assignments).toHaveLength(2);
      const catalog = await get('/api/v1/catalog').expect(200);
      expect(catalog.body.services.map((s: { id: string }) => s.id)).toEqual(['identity-service']);
    });

    it('brings a retired service back as changed when the document lists it again', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments = [
        {
          service: 'identity-service',
          control: 'mfa-enforced',
          from: '2026-01-01T00:00:00Z',
          to: '2026-06-01T00:00:00Z',
        },
        { service: 'identity-service', control: 'mfa-enforced', from: '2026-09-01T00:00:00Z' },
        { service: 'payments-api', control: 'mfa-enforced', from: '2030-01-01T00:00:00Z' },
      ];
      const res = await putYaml(doc).expect(200);
      expect(res.body.changed.services).toEqual(['payments-api']);
      const service = await get('/api/v1/services/payments-api').expect(200);
      expect(service.body.active).toBe(true);
      expect(service.body.assignments.map((a: { state: string }) => a.state)).toEqual([
        'ended',
        'ended',
        'scheduled',
      ]);
    });

    it('records every apply in the apply log, newest first, with who applied it', async () => {
      const latest = await putYaml(reappliedDoc()).expect(200);
      const res = await get('/api/v1/catalog/applies?limit=2').expect(200);
      expect(res.body.items).toHaveLength(2);
      expect(res.body.items[0]).toMatchObject({
        appliedAt: latest.body.appliedAt,
        appliedBy: expect.any(String),
        documentSha256: latest.body.documentSha256,
        added: 0,
        changed: 0,
        ended: 0,
        retired: 0,
        summary: { unchanged: latest.body.unchanged },
      });
      const next = await get(`/api/v1/catalog/applies?limit=100&cursor=${res.body.nextCursor}`);
      expect(next.body.items.length).toBeGreaterThanOrEqual(9);
      expect(BigInt(next.body.items[0].id)).toBeLessThan(BigInt(res.body.items[1].id));
      expect((await repository.listApplies({ limit: 1000 })).length).toBe(
        2 + next.body.items.length,
      );
    });
  });

  describe('GET /api/v1/catalog', () => {
    it('round-trips through PUT with no change when exported as YAML', async () => {
      const res = await get('/api/v1/catalog').set('Accept', 'application/yaml').expect(200);
      expect(res.headers['content-type']).toContain('application/yaml');
      const exported = parseYaml(res.text) as Doc;
      expect(exported.assignments).toContainEqual({
        service: 'identity-service',
        control: 'mfa-enforced',
        from: '2026-01-01T00:00:00Z',
        to: '2026-06-01T00:00:00Z',
      });
      const again = await putYaml(res.text).expect(200);
      expect(again.body).toMatchObject(noChanges);
    });

    it('round-trips through PUT with no change when exported as JSON', async () => {
      const res = await get('/api/v1/catalog').set('Accept', 'application/json').expect(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body.controls.find((c: { id: string }) => c.id === 'mfa-enforced')).toEqual({
        id: 'mfa-enforced',
        title: 'MFA enforced for all console users',
        criteria: ['CC6.1', 'CC6.2'],
        frequency: 'hourly',
        tolerableDeviationRate: 0.05,
      });
      const again = await putJson(res.body).expect(200);
      expect(again.body).toMatchObject(noChanges);
    });

    it('answers YAML for text/yaml and JSON when Accept says anything', async () => {
      const yaml = await get('/api/v1/catalog').set('Accept', 'text/yaml').expect(200);
      expect(yaml.headers['content-type']).toContain('text/yaml');
      const any = await get('/api/v1/catalog').set('Accept', '*/*').expect(200);
      expect(any.headers['content-type']).toContain('application/json');
    });
  });

  describe('validation', () => {
    type Case = [string, (doc: Doc) => Doc | string, string, RegExp];
    const cases: Case[] = [
      [
        'an unknown criterion id',
        (d) => ((d.controls[1].criteria = ['A1.2', 'CC9.9']), d),
        '/controls/1/criteria/1',
        /unknown criterion "CC9.9"/,
      ],
      [
        'a criterion listed twice',
        (d) => ((d.controls[0].criteria = ['CC6.1', 'CC6.1']), d),
        '/controls/0/criteria/1',
        /twice/,
      ],
      [
        'an empty criteria list',
        (d) => ((d.controls[0].criteria = []), d),
        '/controls/0/criteria',
        /non-empty/,
      ],
      [
        'a bad frequency',
        (d) => ((d.controls[0].frequency = 'fortnightly'), d),
        '/controls/0/frequency',
        /hourly, daily, weekly/,
      ],
      [
        'a bad service id',
        (d) => ((d.services[1].id = '-bad id'), d),
        '/services/1/id',
        /must match/,
      ],
      [
        'a bad control id',
        (d) => ((d.controls[0].id = 'mfa/enforced'), d),
        '/controls/0/id',
        /must match/,
      ],
      [
        'a duplicate service id',
        (d) => (d.services.push({ ...d.services[0] }), d),
        '/services/2/id',
        /duplicate id "payments-api"/,
      ],
      [
        'a duplicate control id',
        (d) => (d.controls.push({ ...d.controls[1] }), d),
        '/controls/2/id',
        /duplicate id "backup-restore-tested"/,
      ],
      [
        'overlapping intervals for one pair',
        (d) => (
          d.assignments.push({
            service: 'payments-api',
            control: 'mfa-enforced',
            from: '2025-06-01T00:00:00Z',
            to: '2026-02-01T00:00:00Z',
          }),
          d
        ),
        '/assignments/0',
        /overlaps \/assignments\/3/,
      ],
      [
        'to before from',
        (d) => ((d.assignments[0].to = '2025-12-31T00:00:00Z'), d),
        '/assignments/0/to',
        /after from/,
      ],
      [
        'to equal to from',
        (d) => ((d.assignments[0].to = '2026-01-01T00:00:00Z'), d),
        '/assignments/0/to',
        /after from/,
      ],
      [
        'a from that is not RFC 3339',
        (d) => ((d.assignments[2].from = '2026-01-01'), d),
        '/assignments/2/from',
        /RFC 3339/,
      ],
      [
        'an assignment to an unknown service',
        (d) => ((d.assignments[1].service = 'ghost-service'), d),
        '/assignments/1/service',
        /unknown service "ghost-service"/,
      ],
      [
        'an assignment to an unknown control',
        (d) => ((d.assignments[1].control = 'ghost-control'), d),
        '/assignments/1/control',
        /unknown control "ghost-control"/,
      ],
      [
        'a tolerableDeviationRate above 1',
        (d) => ((d.controls[0].tolerableDeviationRate = 1.5), d),
        '/controls/0/tolerableDeviationRate',
        /from 0 to 1/,
      ],
      [
        'a negative tolerableDeviationRate',
        (d) => ((d.controls[1].tolerableDeviationRate = -0.1), d),
        '/controls/1/tolerableDeviationRate',
        /from 0 to 1/,
      ],
      [
        'a tolerableDeviationRate that is not a number',
        (d) => ((d.controls[1].tolerableDeviationRate = '5%'), d),
        '/controls/1/tolerableDeviationRate',
        /number/,
      ],
      [
        'a service without a name',
        (d) => (delete d.services[0].name, d),
        '/services/0/name',
        /required/,
      ],
      [
        'a service without an owner',
        (d) => (delete d.services[1].owner, d),
        '/services/1/owner',
        /required/,
      ],
      [
        'a control without a title',
        (d) => (delete d.controls[0].title, d),
        '/controls/0/title',
        /required/,
      ],
      [
        'a control without criteria',
        (d) => (delete d.controls[0].criteria, d),
        '/controls/0/criteria',
        /required/,
      ],
      [
        'a control without a frequency',
        (d) => (delete d.controls[1].frequency, d),
        '/controls/1/frequency',
        /required/,
      ],
      [
        'an assignment without from',
        (d) => (delete d.assignments[2].from, d),
        '/assignments/2/from',
        /required/,
      ],
      [
        'a missing controls list',
        (d) => ({ services: d.services, assignments: [] }) as unknown as Doc,
        '/controls',
        /required/,
      ],
      [
        'an unknown field',
        (d) => ((d.controls[0].frequncy = 'daily'), d),
        '/controls/0/frequncy',
        /unknown field/,
      ],
      ['a document that is not a mapping', () => '- just\n- a list\n', '', /mapping/],
      [
        'unparseable YAML',
        () => 'services: [\n  - { id: a\ncontrols: ]\n',
        '',
        /not valid YAML: line \d+, column \d+/,
      ],
    ];

    it.each(cases)(
      'answers 400 with the pointer when the document has %s',
      async (_name, mutate, pointer, detail) => {
        const before = await countRows('catalog_applies');
        const res = await putYaml(mutate(baseDoc())).expect(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
        expect(res.body.errors).toContainEqual({ pointer, detail: expect.stringMatching(detail) });
        await expect(countRows('catalog_applies')).resolves.toBe(before);
      },
    );

    it('answers 400 when JSON does not parse', async () => {
      const res = await putJson('{"services": [').expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('reports every fault at once when a document has several', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'sometimes';
      doc.controls[1].criteria = ['A9.9'];
      doc.services[0].id = 'bad id';
      doc.assignments[2].to = '2020-01-01T00:00:00Z';
      const res = await putJson(doc).expect(400);
      const pointers = (res.body.errors as Array<{ pointer: string }>).map((e) => e.pointer);
      expect(pointers).toEqual(
        expect.arrayContaining([
          '/services/0/id',
          '/controls/0/frequency',
          '/controls/1/criteria/0',
          '/assignments/2/to',
          '/assignments/0/service',
        ]),
      );
      expect(res.body.detail).toMatch(/nothing was applied/);
    });

    it('answers 400 naming dryRun when it is not a boolean', async () => {
      const res = await putYaml(baseDoc(), '?dryRun=maybe').expect(400);
      expect(res.body.errors).toEqual([{ parameter: 'dryRun', detail: 'must be true or false' }]);
    });
  });

  describe('GET /api/v1/services and /api/v1/controls', () => {
    it('pages services with limit and an opaque cursor', async () => {
      const first = await get('/api/v1/services?limit=1').expect(200);
      expect(first.body.items.map((s: { id: string }) => s.id)).toEqual(['identity-service']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await get(`/api/v1/services?limit=1&cursor=${first.body.nextCursor}`).expect(
        200,
      );
      expect(second.body.items.map((s: { id: string }) => s.id)).toEqual(['payments-api']);
      expect(second.body.nextCursor).toBeNull();
      expect(second.body.items[0]).toMatchObject({
        name: 'Payments API',
        owner: 'team-payments',
        description: null,
        createdAt: expect.stringMatching(/Z$/),
      });
    });

    it('pages controls with their current definition', async () => {
      const res = await get('/api/v1/controls?limit=10').expect(200);
      expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([
        'backup-restore-tested',
        'mfa-enforced',
      ]);
      expect(res.body.nextCursor).toBeNull();
    });

    it('answers 404 problem+json for an unknown service or control', async () => {
      const service = await get('/api/v1/services/no-such-service').expect(404);
      expect(service.headers['content-type']).toContain('application/problem+json');
      await get('/api/v1/controls/no-such-control').expect(404);
    });

    it('answers 400 for a cursor it did not issue', async () => {
      const res = await get('/api/v1/controls?cursor=bm90LWEtY3Vyc29y').expect(400);
      expect(res.body.errors[0].parameter).toBe('cursor');
    });
  });

  describe('GET /api/v1/unmapped', () => {
    it('lists pairs with results that no assignment covered, with counts and first/last seen', async () => {
      const ds = app.get(DataSource);
      const rollup = `INSERT INTO daily_rollups (service_id, control_id, day, pass_count, fail_count,
          error_count, not_applicable_count, late_count, first_time, last_time, last_outcome)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
      // What ingest appends and the evaluator has not compacted yet: counted as well.
      const pendingDelta = `INSERT INTO daily_rollup_deltas (service_id, control_id, day, pass_count,
          fail_count, error_count, not_applicable_count, late_count, first_time, last_time,
          last_outcome, pass_hours, fail_hours, not_applicable_hours)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0, 0)`;
      // An assigned pair: never listed.
      await ds.query(rollup, [
        'payments-api',
        'mfa-enforced',
        '2026-03-01',
        5,
        0,
        0,
        0,
        0,
        '2026-03-01T01:00:00Z',
        '2026-03-01T05:00:00Z',
        'pass',
      ]);
      // Known service and control, never assigned.
      await ds.query(rollup, [
        'identity-service',
        'backup-restore-tested',
        '2026-03-01',
        1,
        2,
        0,
        0,
        0,
        '2026-03-01T01:00:00Z',
        '2026-03-01T02:00:00Z',
        'fail',
      ]);
      await ds.query(pendingDelta, [
        'identity-service',
        'backup-restore-tested',
        '2026-03-02',
        3,
        0,
        1,
        1,
        1,
        '2026-03-02T01:00:00Z',
        '2026-03-02T09:30:00Z',
        'pass',
      ]);
      // Unknown service; unknown control; both unknown.
      await ds.query(rollup, [
        'ghost-service',
        'mfa-enforced',
        '2026-03-01',
        1,
        0,
        0,
        0,
        0,
        '2026-03-01T03:00:00Z',
        '2026-03-01T03:00:00Z',
        'pass',
      ]);
      await ds.query(rollup, [
        'payments-api',
        'ghost-control',
        '2026-03-01',
        0,
        1,
        0,
        0,
        0,
        '2026-03-01T03:00:00Z',
        '2026-03-01T03:00:00Z',
        'fail',
      ]);
      await ds.query(rollup, [
        'zz-unknown',
        'zz-unknown',
        '2026-03-01',
        0,
        0,
        0,
        2,
        0,
        '2026-03-01T03:00:00Z',
        '2026-03-01T04:00:00Z',
        'not_applicable',
      ]);

      const res = await get('/api/v1/unmapped').expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items).toEqual([
        {
          serviceId: 'ghost-service',
          controlId: 'mfa-enforced',
          reason: 'unknown_service',
          counts: { pass: 1, fail: 0, error: 0, notApplicable: 0, total: 1 },
          lateResults: 0,
          firstSeen: '2026-03-01T03:00:00.000Z',
          lastSeen: '2026-03-01T03:00:00.000Z',
        },
        {
          serviceId: 'identity-service',
          controlId: 'backup-restore-tested',
          reason: 'never_assigned',
          counts: { pass: 4, fail: 2, error: 1, notApplicable: 1, total: 8 },
          lateResults: 1,
          firstSeen: '2026-03-01T01:00:00.000Z',
          lastSeen: '2026-03-02T09:30:00.000Z',
        },
        expect.objectContaining({
          serviceId: 'payments-api',
          controlId: 'ghost-control',
          reason: 'unknown_control',
        }),
        expect.objectContaining({ serviceId: 'zz-unknown', reason: 'unknown_service_and_control' }),
      ]);

      const page = await get('/api/v1/unmapped?limit=3').expect(200);
      const rest = await get(`/api/v1/unmapped?limit=3&cursor=${page.body.nextCursor}`).expect(200);
      expect(rest.body.items.map((i: { serviceId: string }) => i.serviceId)).toEqual([
        'zz-unknown',
      ]);
    });
  });
  describe('access and integrity', () => {
    it('answers 403 to a dashboard key on PUT and lets it read', async () => {
      const { secret } = await issueApiKey(new ApiKeysRepository(app.get(DataSource)), {
        name: 'grc-dashboard',
        role: 'dashboard',
      });
      const bearer = { Authorization: `Bearer ${secret}` };
      await request(server)
        .put('/api/v1/catalog')
        .set(bearer)
        .set('Content-Type', 'application/yaml')
        .send(toYaml(baseDoc()))
        .expect(403);
      await request(server).get('/api/v1/catalog').set(bearer).expect(200);
      await request(server).get('/api/v1/criteria').set(bearer).expect(200);
      await request(server).get('/api/v1/catalog').expect(401);
    });

    it('limits services, the document and unmapped pairs when an auditor key is limited to services', async () => {
      const { secret } = await issueApiKey(new ApiKeysRepository(app.get(DataSource)), {
        name: 'auditor-identity',
        role: 'auditor',
        services: ['identity-service'],
      });
      const bearer = { Authorization: `Bearer ${secret}` };
      const services = await request(server).get('/api/v1/services').set(bearer).expect(200);
      expect(services.body.items.map((s: { id: string }) => s.id)).toEqual(['identity-service']);
      await request(server).get('/api/v1/services/payments-api').set(bearer).expect(403);
      const document = await request(server).get('/api/v1/catalog').set(bearer).expect(200);
      expect(document.body.services.map((s: { id: string }) => s.id)).toEqual(['identity-service']);
      const unmapped = await request(server).get('/api/v1/unmapped').set(bearer).expect(200);
      expect(unmapped.body.items.map((i: { serviceId: string }) => i.serviceId)).toEqual([
        'identity-service',
      ]);
    });

    it('refuses overlapping intervals for one pair in SQL too, whatever writes them', async () => {
      await expect(
        app.get(DataSource).query(
          `INSERT INTO assignments (service_id, control_id, valid_from, valid_to)
             VALUES ('identity-service', 'mfa-enforced', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z')`,
        ),
      ).rejects.toThrow(/exclusion constraint/);
    });

    it('serialises concurrent applies so that exactly one of them adds a new service', async () => {
      const doc = baseDoc();
      doc.controls[0].frequency = 'hourly';
      doc.assignments = [
        {
          service: 'identity-service',
          control: 'mfa-enforced',
          from: '2026-01-01T00:00:00Z',
          to: '2026-06-01T00:00:00Z',
        },
        { service: 'identity-service', control: 'mfa-enforced', from: '2026-09-01T00:00:00Z' },
        { service: 'payments-api', control: 'mfa-enforced', from: '2030-01-01T00:00:00Z' },
      ];
      doc.services.push({ id: 'billing-worker', name: 'Billing', owner: 'team-billing' });
      const answers = await Promise.all([putYaml(doc), putYaml(doc), putJson(doc)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const adds = answers.map((a) => a.body.added.services as string[]);
      expect(adds.filter((a) => a.length > 0)).toEqual([['billing-worker']]);
    });

    it('describes every catalogue route in the OpenAPI document', async () => {
      const res = await request(server).get('/api/docs-json').expect(200);
      const paths = res.body.paths as Record<string, Record<string, unknown>>;
      expect(Object.keys(paths['/api/v1/catalog']).sort()).toEqual(['get', 'put']);
      for (const path of [
        '/api/v1/services',
        '/api/v1/services/{id}',
        '/api/v1/controls',
        '/api/v1/controls/{id}',
        '/api/v1/criteria',
        '/api/v1/unmapped',
        '/api/v1/catalog/applies',
      ]) {
        expect(paths[path]?.get).toBeDefined();
      }
      expect(res.body.components.schemas).toHaveProperty('CatalogApplySummary');
      expect(res.body.components.schemas).toHaveProperty('ControlDetail');
    });
  });
});
