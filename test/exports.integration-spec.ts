import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CsvParser, OCCURRENCE_COLUMNS, RESULT_COLUMNS, SUMMARY_COLUMNS } from '@vigil/contracts';
import { createApi } from '../apps/api/src/bootstrap';
import { ExportsController } from '../apps/api/src/exports/exports.controller';
import { verifyBundle } from '../apps/cli/src/commands/verify.command';
import { bearer, createKey } from './support/auth';
import { readZipEntries, writeZip } from './support/export-bundle';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';
import {
  SeedResult,
  seedCatalog,
  seedResults,
  seededEventId,
  withClient,
} from './support/seed-effectiveness';

const BOOTSTRAP = 'bootstrap-admin-key-for-tests-0123456789';
const FROM = '2026-03-01T00:00:00Z';
const TO = '2026-03-08T00:00:00Z';
const DAYS = ['01', '02', '03', '04', '05', '06', '07'];

function csvRows(text: string): Record<string, string>[] {
  const parser = new CsvParser();
  const records = [...parser.push(text), ...parser.end()];
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/**
 * The seeded period [2026-03-01, 2026-03-08), three daily pairs:
 * - payments-api/mfa-enforced (tolerance 0.3): pass every day but a fail on 03-03 and nothing
 *   on 03-05 → 7 expected, 5 passed, 1 failed, 1 missed, rate 2/7 → effective_with_exceptions;
 * - payments-api/log-review: a pass every day → effective;
 * - billing-api/mfa-enforced: a pass every day and a not_applicable on 03-06 → effective.
 * Plus results just outside the period and one of an unmapped pair inside it.
 */
function seededResults(): SeedResult[] {
  const results: SeedResult[] = [];
  const ev = (s: string, c: string, d: string) => `s3://evidence/${s}/${c}/2026-03-${d}.json`;
  for (const d of DAYS) {
    if (d === '05') continue;
    results.push({
      serviceId: 'payments-api',
      controlId: 'mfa-enforced',
      outcome: d === '03' ? 'fail' : 'pass',
      time: `2026-03-${d}T10:00:00Z`,
      evidenceUri: ev('payments-api', 'mfa-enforced', d),
    });
  }
  for (const d of DAYS) {
    results.push({
      serviceId: 'payments-api',
      controlId: 'log-review',
      outcome: 'pass',
      time: `2026-03-${d}T08:30:00Z`,
      evidenceUri: ev('payments-api', 'log-review', d),
    });
    results.push({
      serviceId: 'billing-api',
      controlId: 'mfa-enforced',
      outcome: 'pass',
      time: `2026-03-${d}T09:00:00Z`,
      evidenceUri: ev('billing-api', 'mfa-enforced', d),
    });
  }
  results.push({
    serviceId: 'billing-api',
    controlId: 'mfa-enforced',
    outcome: 'not_applicable',
    time: '2026-03-06T11:00:00Z',
  });
  results.push({
    serviceId: 'payments-api',
    controlId: 'unmapped-check',
    outcome: 'pass',
    time: '2026-03-04T12:00:00.123456Z',
  });
  results.push({
    serviceId: 'payments-api',
    controlId: 'mfa-enforced',
    outcome: 'fail',
    time: '2026-02-28T23:59:59Z',
  });
  results.push({
    serviceId: 'payments-api',
    controlId: 'mfa-enforced',
    outcome: 'fail',
    time: '2026-03-08T00:00:00Z',
  });
  return results;
}

describe(ExportsController.name, () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let base: string;
  let admin: Record<string, string>;
  let auditor: Record<string, string>;
  let billingAuditor: Record<string, string>;
  let dashboard: Record<string, string>;
  let work: string;
  let seqs: string[];

  async function get(
    path: string,
    headers: Record<string, string> = admin,
  ): Promise<{ status: number; body: Buffer; headers: Headers }> {
    const response = await fetch(`${base}${path}`, { headers });
    return {
      status: response.status,
      body: Buffer.from(await response.arrayBuffer()),
      headers: response.headers,
    };
  }

  async function exportOf(
    query: string,
    headers: Record<string, string> = auditor,
  ): Promise<Buffer> {
    const response = await get(`/api/v1/exports/period?${query}`, headers);
    expect(response.status).toBe(200);
    return response.body;
  }

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    await withClient(db.url, async (client) => {
      await seedCatalog(client, {
        services: ['payments-api', 'billing-api'],
        controls: [
          {
            id: 'mfa-enforced',
            title: 'MFA enforced for all console users',
            frequency: 'daily',
            criteria: ['CC6.1', 'CC6.2'],
            tolerableDeviationRate: 0.3,
          },
          {
            id: 'log-review',
            title: 'Security logs reviewed, "daily"',
            frequency: 'daily',
            criteria: ['CC7.2'],
          },
        ],
        assignments: [
          { service: 'payments-api', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z' },
          { service: 'payments-api', control: 'log-review', from: '2026-01-01T00:00:00Z' },
          { service: 'billing-api', control: 'mfa-enforced', from: '2026-01-01T00:00:00Z' },
        ],
      });
      seqs = await seedResults(client, seededResults());
    });
    ({ app } = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP })));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
    admin = bearer(BOOTSTRAP);
    auditor = bearer(await createKey(db.url, { role: 'auditor', name: 'external auditor' }));
    billingAuditor = bearer(
      await createKey(db.url, { role: 'auditor', services: ['billing-api'] }),
    );
    dashboard = bearer(await createKey(db.url, { role: 'dashboard' }));
    work = mkdtempSync(join(tmpdir(), 'vigil-exports-'));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('GET /api/v1/exports/period', () => {
    it('writes the summary CSV with the engine numbers, unrounded, when format=csv', async () => {
      const response = await get(
        `/api/v1/exports/period?from=${FROM}&to=${TO}&format=csv&table=summary`,
        auditor,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="vigil-export_20260301T000000Z_20260308T000000Z_all_summary.csv"',
      );
      const text = response.body.toString('utf8');
      expect(text.startsWith(`${SUMMARY_COLUMNS.join(',')}\r\n`)).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      const rows = csvRows(text);
      expect(rows.map((r) => `${r.service}/${r.control}`)).toEqual([
        'billing-api/mfa-enforced',
        'payments-api/log-review',
        'payments-api/mfa-enforced',
      ]);
      const mfa = rows[2];
      expect(mfa).toMatchObject({
        title: 'MFA enforced for all console users',
        criteria: 'CC6.1;CC6.2',
        frequency: 'daily',
        tolerableDeviationRate: '0.3',
        windowFrom: '2026-03-01T00:00:00.000Z',
        windowTo: '2026-03-08T00:00:00.000Z',
        asOf: '2026-03-08T00:00:00.000Z',
        expectedOccurrences: '7',
        passedOccurrences: '5',
        failedOccurrences: '1',
        missedOccurrences: '1',
        deviations: '2',
        deviationRate: String(2 / 7),
        coverage: String(6 / 7),
        resultsPass: '5',
        resultsFail: '1',
        verdict: 'effective_with_exceptions',
        meetsMinimumPeriod: 'false',
      });
      expect(rows[1]).toMatchObject({
        title: 'Security logs reviewed, "daily"',
        verdict: 'effective',
        deviationRate: '0',
      });
      expect(text).toContain('"Security logs reviewed, ""daily"""');
      expect(rows[0]).toMatchObject({
        passedOccurrences: '7',
        resultsNotApplicable: '1',
        verdict: 'effective',
      });
    });

    it('writes one occurrences row per expected slot with its results and evidence when table=occurrences', async () => {
      const rows = csvRows(
        (await exportOf(`from=${FROM}&to=${TO}&format=csv&table=occurrences`)).toString('utf8'),
      );
      expect(rows).toHaveLength(21);
      expect(Object.keys(rows[0])).toEqual([...OCCURRENCE_COLUMNS]);
      const mfa = rows.filter((r) => r.service === 'payments-api' && r.control === 'mfa-enforced');
      expect(mfa.map((r) => r.status)).toEqual([
        'passed',
        'passed',
        'failed',
        'passed',
        'missed',
        'passed',
        'passed',
      ]);
      // seqs[2] is the fail of 03-03 (the 03-05 result does not exist).
      expect(mfa[2]).toMatchObject({
        slotStart: '2026-03-03T00:00:00.000Z',
        slotEnd: '2026-03-04T00:00:00.000Z',
        resultIds: seededEventId(seqs[2]),
        evidenceUris: 's3://evidence/payments-api/mfa-enforced/2026-03-03.json',
      });
      expect(mfa[4]).toMatchObject({ resultIds: '', evidenceUris: '' });
    });

    it('writes the full population of results in the period, every column, when table=results', async () => {
      const rows = csvRows(
        (await exportOf(`from=${FROM}&to=${TO}&format=csv&table=results`)).toString('utf8'),
      );
      expect(rows).toHaveLength(6 + 7 + 8 + 1);
      expect(Object.keys(rows[0])).toEqual([...RESULT_COLUMNS]);
      // Unmapped pairs are part of the population; times keep PostgreSQL's microseconds.
      expect(rows.find((r) => r.control === 'unmapped-check')?.time).toBe(
        '2026-03-04T12:00:00.123456Z',
      );
      expect(rows.every((r) => r.time >= '2026-03-01' && r.time < '2026-03-08')).toBe(true);
      const fail = rows.find((r) => r.seq === seqs[2]);
      expect(fail).toMatchObject({
        service: 'payments-api',
        control: 'mfa-enforced',
        outcome: 'fail',
        time: '2026-03-03T10:00:00Z',
        late: 'false',
        evidence: '{"uri": "s3://evidence/payments-api/mfa-enforced/2026-03-03.json"}',
        source: '//test',
      });
      const keys = rows.map((r) => `${r.service}|${r.control}|${r.time}`);
      expect(keys).toEqual([...keys].sort());
    });

    it('writes one JSON document with parameters, summary, occurrences and results when format=json', async () => {
      const doc = JSON.parse(
        (await exportOf(`from=${FROM}&to=${TO}&format=json`)).toString('utf8'),
      );
      expect(doc.parameters).toEqual({
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-08T00:00:00.000Z',
        asOf: '2026-03-08T00:00:00.000Z',
        services: null,
      });
      expect(doc.summary).toHaveLength(3);
      expect(doc.summary[2]).toMatchObject({
        service: 'payments-api',
        control: 'mfa-enforced',
        deviations: 2,
        deviationRate: 2 / 7,
        criteria: ['CC6.1', 'CC6.2'],
        resultCounts: { pass: 5, fail: 1, error: 0, notApplicable: 0 },
      });
      expect(doc.occurrences).toHaveLength(21);
      expect(doc.results).toHaveLength(22);
      const failed = doc.results.find((r: { seq: string }) => r.seq === seqs[2]);
      expect(failed).toMatchObject({
        outcome: 'fail',
        evidence: { uri: 's3://evidence/payments-api/mfa-enforced/2026-03-03.json' },
        late: false,
      });
      expect(
        doc.occurrences.find((o: { resultIds: string[] }) =>
          o.resultIds.includes(seededEventId(seqs[2])),
        ),
      ).toMatchObject({ status: 'failed' });
      expect(doc.rowCounts).toEqual({ summary: 3, occurrences: 21, results: 22 });
      expect(doc.empty).toBe(false);
    });

    it('writes an OSCAL assessment-results document valid against the NIST 1.2.1 schema when format=oscal', async () => {
      const first = await exportOf(`from=${FROM}&to=${TO}&format=oscal`);
      const doc = JSON.parse(first.toString('utf8'));
      expect(validateOscal(doc)).toEqual([]);
      const ar = doc['assessment-results'];
      expect(ar.metadata['oscal-version']).toBe('1.2.1');
      const [result] = ar.results;
      expect(result.findings).toHaveLength(3);
      const mfa = result.findings.find((f: { title: string }) =>
        f.title.includes('mfa-enforced) on payments-api'),
      );
      expect(mfa.target.status.state).toBe('satisfied');
      const props = Object.fromEntries(
        mfa.props
          .filter((p: { name: string }) => p.name !== 'criterion')
          .map((p: { name: string; value: string }) => [p.name, p.value]),
      );
      expect(props).toMatchObject({
        verdict: 'effective_with_exceptions',
        deviations: '2',
        'deviation-rate': String(2 / 7),
      });
      expect(
        mfa.props
          .filter((p: { name: string }) => p.name === 'criterion')
          .map((p: { value: string }) => p.value),
      ).toEqual(['CC6.1', 'CC6.2']);
      expect(mfa['related-observations']).toHaveLength(2);
      const deviations = result.observations.find(
        (o: { uuid: string }) => o.uuid === mfa['related-observations'][1]['observation-uuid'],
      );
      expect(deviations.description).toContain(
        '2026-03-03T00:00:00.000Z to 2026-03-04T00:00:00.000Z: failed',
      );
      expect(deviations.description).toContain(
        '2026-03-05T00:00:00.000Z to 2026-03-06T00:00:00.000Z: missed',
      );
      expect(deviations['relevant-evidence']).toEqual([
        {
          href: 's3://evidence/payments-api/mfa-enforced/2026-03-03.json',
          description: 'Evidence of a failed control test',
        },
      ]);
      expect(await exportOf(`from=${FROM}&to=${TO}&format=oscal`)).toEqual(first);
    });

    it('writes a PDF report with a fixed creation date when format=pdf', async () => {
      const response = await get(
        `/api/v1/exports/period?from=${FROM}&to=${TO}&format=pdf`,
        auditor,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      // To look at the pages: VIGIL_EXPORT_SAMPLES=/some/dir, then pdftoppm -png report.pdf page.
      if (process.env.VIGIL_EXPORT_SAMPLES)
        writeFileSync(join(process.env.VIGIL_EXPORT_SAMPLES, 'report.pdf'), response.body);
      const pdf = response.body.toString('latin1');
      expect(pdf.startsWith('%PDF-')).toBe(true);
      expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
      // CreationDate and ModDate are the as-of instant, not the wall clock.
      expect(pdf.match(/\(D:20260308000000Z\)/g)).toHaveLength(2);
      // Cover, verdict tables, exceptions.
      expect(pdf.match(/\/Type \/Page\b/g)?.length).toBe(3);
    });

    it('writes a zip bundle that vigil verify accepts, with a manifest hashing every file', async () => {
      const zip = await exportOf(`from=${FROM}&to=${TO}&format=zip`);
      const entries = await readZipEntries(zip);
      expect([...entries.keys()]).toEqual([
        'summary.csv',
        'occurrences.csv',
        'results.csv',
        'assessment-results.oscal.json',
        'report.pdf',
        'manifest.json',
      ]);
      const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
      expect(manifest).toMatchObject({
        vigilVersion: '0.1.0',
        rowCounts: { summary: 3, occurrences: 21, results: 22 },
        empty: false,
      });
      for (const file of manifest.files) {
        expect(file.sha256).toBe(
          createHash('sha256').update(entries.get(file.name)!).digest('hex'),
        );
      }
      const path = join(process.env.VIGIL_EXPORT_SAMPLES ?? work, 'bundle.zip');
      writeFileSync(path, zip);
      await expect(verifyBundle(path)).resolves.toMatchObject({ ok: true, problems: [] });
    });

    it.each([
      'summary.csv',
      'occurrences.csv',
      'results.csv',
      'assessment-results.oscal.json',
      'report.pdf',
      'manifest.json',
    ])('makes vigil verify fail when %s was tampered with', async (name) => {
      const entries = await readZipEntries(await exportOf(`from=${FROM}&to=${TO}&format=zip`));
      const original = entries.get(name)!;
      let tampered: Buffer;
      if (name === 'manifest.json') {
        const manifest = JSON.parse(original.toString('utf8'));
        manifest.rowCounts.results = 21;
        tampered = Buffer.from(JSON.stringify(manifest, null, 2));
      } else if (name === 'results.csv') {
        // Drop the last row: hash, row count and the summary's result counts all disagree.
        const text = original.toString('utf8');
        tampered = Buffer.from(text.slice(0, text.lastIndexOf('\r\n', text.length - 3) + 2));
      } else {
        tampered = Buffer.from(original.toString('latin1').replace(/2026/, '2025'), 'latin1');
      }
      expect(tampered.equals(original)).toBe(false);
      entries.set(name, tampered);
      const path = join(work, `tampered-${name}.zip`);
      await writeZip(path, entries);
      const report = await verifyBundle(path);
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toContain(
        name === 'manifest.json' ? 'rowCounts.results' : name,
      );
    });

    it('makes vigil verify fail when a file is missing or one was added', async () => {
      const entries = await readZipEntries(await exportOf(`from=${FROM}&to=${TO}&format=zip`));
      entries.delete('report.pdf');
      entries.set('extra.txt', Buffer.from('hello'));
      const path = join(work, 'missing-extra.zip');
      await writeZip(path, entries);
      const report = await verifyBundle(path);
      expect(report.problems).toEqual(
        expect.arrayContaining([
          'report.pdf: listed in manifest.json but missing from the bundle',
          'extra.txt: in the bundle but not listed in manifest.json',
        ]),
      );
    });

    it('gives a valid export that says so when the period holds no data', async () => {
      const query = 'from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z';
      const zip = await exportOf(`${query}&format=zip`);
      const path = join(work, 'empty.zip');
      writeFileSync(path, zip);
      const report = await verifyBundle(path);
      expect(report).toMatchObject({
        ok: true,
        manifest: { empty: true, rowCounts: { summary: 0, occurrences: 0, results: 0 } },
      });
      const entries = await readZipEntries(zip);
      expect(entries.get('results.csv')!.toString('utf8')).toBe(`${RESULT_COLUMNS.join(',')}\r\n`);
      expect(
        validateOscal(JSON.parse(entries.get('assessment-results.oscal.json')!.toString('utf8'))),
      ).toEqual([]);
      const json = JSON.parse((await exportOf(`${query}&format=json`)).toString('utf8'));
      // No assignment overlaps 2020: no pair is in scope, and the documents say so.
      expect(json).toMatchObject({ empty: true, summary: [], occurrences: [], results: [] });
      const oscal = JSON.parse(entries.get('assessment-results.oscal.json')!.toString('utf8'));
      expect(oscal['assessment-results'].results[0].remarks).toContain(
        'No (service, control) pair was in scope',
      );
    });

    it('gives byte-identical files for the same closed period, also while results of other periods arrive', async () => {
      const insertOthers = withClient(db.url, async (client) => {
        for (let i = 0; i < 40; i++) {
          await seedResults(client, [
            {
              serviceId: 'payments-api',
              controlId: 'mfa-enforced',
              outcome: 'pass',
              time: `2026-04-${String((i % 28) + 1).padStart(2, '0')}T12:00:00Z`,
            },
          ]);
        }
      });
      const [a, b] = await Promise.all([
        exportOf(`from=${FROM}&to=${TO}&format=zip`),
        exportOf(`from=${FROM}&to=${TO}&format=zip`),
      ]);
      await insertOthers;
      const c = await exportOf(`from=${FROM}&to=${TO}&format=zip`);
      const [ea, eb, ec] = await Promise.all([
        readZipEntries(a),
        readZipEntries(b),
        readZipEntries(c),
      ]);
      for (const name of [
        'summary.csv',
        'occurrences.csv',
        'results.csv',
        'assessment-results.oscal.json',
        'report.pdf',
      ]) {
        expect(eb.get(name)!.equals(ea.get(name)!)).toBe(true);
        expect(ec.get(name)!.equals(ea.get(name)!)).toBe(true);
      }
      const manifest = (e: Map<string, Buffer>) => {
        const m = JSON.parse(e.get('manifest.json')!.toString('utf8'));
        delete m.generationTime;
        return m;
      };
      expect(manifest(ec)).toEqual(manifest(ea));
      for (const format of ['csv&table=results', 'json', 'pdf']) {
        const [x, y] = [
          await exportOf(`from=${FROM}&to=${TO}&format=${format}`),
          await exportOf(`from=${FROM}&to=${TO}&format=${format}`),
        ];
        expect(y.equals(x)).toBe(true);
      }
    });

    it('exports only the services of an auditor key limited to some', async () => {
      const json = JSON.parse(
        (await exportOf(`from=${FROM}&to=${TO}&format=json`, billingAuditor)).toString('utf8'),
      );
      expect(json.parameters.services).toEqual(['billing-api']);
      expect(new Set(json.summary.map((s: { service: string }) => s.service))).toEqual(
        new Set(['billing-api']),
      );
      expect(new Set(json.occurrences.map((s: { service: string }) => s.service))).toEqual(
        new Set(['billing-api']),
      );
      expect(new Set(json.results.map((s: { service: string }) => s.service))).toEqual(
        new Set(['billing-api']),
      );
      expect(json.results).toHaveLength(8);
      const forbidden = await get(
        `/api/v1/exports/period?from=${FROM}&to=${TO}&format=csv&service=payments-api`,
        billingAuditor,
      );
      expect(forbidden.status).toBe(403);
      const allowed = csvRows(
        (
          await exportOf(`from=${FROM}&to=${TO}&format=csv&service=billing-api`, billingAuditor)
        ).toString('utf8'),
      );
      expect(allowed.map((r) => r.service)).toEqual(['billing-api']);
    });

    it('answers 400 naming the parameter when the query is wrong, and 403 to a dashboard key', async () => {
      const missing = await get(`/api/v1/exports/period?from=${FROM}`, auditor);
      expect(missing.status).toBe(400);
      expect(JSON.parse(missing.body.toString()).errors).toEqual([
        { parameter: 'to', detail: 'is required' },
      ]);
      expect(
        (await get(`/api/v1/exports/period?from=${FROM}&to=${TO}&format=xlsx`, auditor)).status,
      ).toBe(400);
      expect((await get(`/api/v1/exports/period?from=${FROM}&to=${TO}`, dashboard)).status).toBe(
        403,
      );
    });
  });

  describe('a client that goes away mid-export', () => {
    it('stops the database query and logs the export as aborted', async () => {
      await withClient(db.url, async (client) => {
        await client.query(`SELECT vigil_ensure_results_partition('2025-06-01'::date)`);
        await client.query(
          `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, evidence, event_sha256)
           SELECT nextval('results_seq'), '//bulk', g::text, 'bulk-api', 'bulk-check', 'pass',
                  '2025-06-01'::timestamptz + g * interval '1 second', now(), '{"uri": "s3://bulk"}', 'x'
             FROM generate_series(1, 300000) AS g`,
        );
      });
      const controller = new AbortController();
      const response = await fetch(
        `${base}/api/v1/exports/period?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z&format=csv&table=results`,
        {
          headers: auditor,
          signal: controller.signal,
        },
      );
      const exportId = response.headers.get('x-vigil-export-id');
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.value!.length).toBeGreaterThan(0);
      controller.abort();
      await reader.cancel().catch(() => undefined);
      const deadline = Date.now() + 10_000;
      let state: { status: string; copies: number } = { status: 'started', copies: 1 };
      while (Date.now() < deadline) {
        state = await withClient(db.url, async (client) => {
          const log = await client.query<{ status: string }>(
            `SELECT status FROM export_log WHERE id = $1`,
            [exportId],
          );
          const copies = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY (SELECT%' AND state = 'active'`,
          );
          return { status: log.rows[0].status, copies: Number(copies.rows[0].n) };
        });
        if (state.status !== 'started' && state.copies === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state).toEqual({ status: 'aborted', copies: 0 });
    });

    it('ends the snapshot transaction and logs the export as aborted when a zip download stops', async () => {
      const controller = new AbortController();
      const response = await fetch(
        `${base}/api/v1/exports/period?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z&format=zip`,
        {
          headers: auditor,
          signal: controller.signal,
        },
      );
      const exportId = response.headers.get('x-vigil-export-id');
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.cancel().catch(() => undefined);
      const deadline = Date.now() + 10_000;
      let state = { status: 'started', open: 1 };
      while (Date.now() < deadline) {
        state = await withClient(db.url, async (client) => {
          const log = await client.query<{ status: string }>(
            `SELECT status FROM export_log WHERE id = $1`,
            [exportId],
          );
          const open = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND (state LIKE 'idle in transaction%' OR query LIKE 'COPY (SELECT%' AND state = 'active')`,
          );
          return { status: log.rows[0].status, open: Number(open.rows[0].n) };
        });
        if (state.status !== 'started' && state.open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state).toEqual({ status: 'aborted', open: 0 });
    });

    it('reads the whole bundle in one snapshot when a result of the period arrives mid-export', async () => {
      const response = await fetch(
        `${base}/api/v1/exports/period?from=2025-06-01T00:00:00Z&to=2026-04-01T00:00:00Z&format=zip`,
        {
          headers: auditor,
        },
      );
      const reader = response.body!.getReader();
      const chunks: Buffer[] = [];
      const first = await reader.read();
      chunks.push(Buffer.from(first.value));
      // The download stalls inside results.csv (300,000 bulk rows); a late result lands now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await withClient(db.url, (client) =>
        client.query(
          `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, event_sha256)
           VALUES (nextval('results_seq'), '//late', 'late-1', 'billing-api', 'mfa-enforced', 'fail',
                   '2026-03-04T15:00:00Z', now(), true, '{"uri": "s3://late/inserted.json"}', 'x')`,
        ),
      );
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(Buffer.from(value));
        }
        const zip = Buffer.concat(chunks);
        const path = join(work, 'mid-export.zip');
        writeFileSync(path, zip);
        await expect(verifyBundle(path)).resolves.toMatchObject({ ok: true, problems: [] });
        const entries = await readZipEntries(zip);
        for (const name of ['results.csv', 'occurrences.csv', 'assessment-results.oscal.json']) {
          expect(entries.get(name)!.toString('utf8')).not.toContain('s3://late/inserted.json');
        }
      } finally {
        await withClient(db.url, (client) =>
          client.query(`DELETE FROM results WHERE source = '//late'`),
        );
      }
    });
  });

  describe('GET /api/v1/exports', () => {
    it('lists every export to admins, newest first, with the hash of what was delivered', async () => {
      const zip = await exportOf(`from=${FROM}&to=${TO}&format=zip`);
      const manifestSha = createHash('sha256')
        .update((await readZipEntries(zip)).get('manifest.json')!)
        .digest('hex');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const page = JSON.parse((await get('/api/v1/exports?limit=2', admin)).body.toString('utf8'));
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toEqual(expect.any(String));
      expect(page.items[0]).toMatchObject({
        keyName: 'external auditor',
        role: 'auditor',
        format: 'zip',
        status: 'completed',
        sha256: manifestSha,
        parameters: {
          from: '2026-03-01T00:00:00.000Z',
          to: '2026-03-08T00:00:00.000Z',
          services: null,
        },
        rowCounts: { summary: 3, occurrences: 21, results: 22 },
      });
      const next = JSON.parse(
        (await get(`/api/v1/exports?limit=2&cursor=${page.nextCursor}`, admin)).body.toString(
          'utf8',
        ),
      );
      expect(Number(next.items[0].id)).toBeLessThan(Number(page.items[1].id));
      expect((await get('/api/v1/exports', auditor)).status).toBe(403);
    });
  });
});

const schema = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/oscal/oscal_assessment-results_schema.json'), 'utf8'),
);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function validateOscal(doc: unknown): unknown[] {
  return validate(doc) ? [] : (validate.errors ?? []);
}
