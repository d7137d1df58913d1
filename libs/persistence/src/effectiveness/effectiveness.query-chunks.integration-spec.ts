import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { evaluatePair, type Outcome, type ResultPoint } from '@vigil/domain';
import { TestDatabase, createTestDatabase } from '../../../../test/support/infra';
import { CatalogRepository } from '../catalog/catalog.repository';
import { createDataSource } from '../data-source';
import { EffectivenessQuery } from './effectiveness.query';
import { scopeIntervals, versionAt } from './pair-scope';

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-01T00:00:00Z');
/** More pairs than several chunks hold, with several chunk queries in flight at once. */
const PAIRS = 83;
const OUTCOMES: Outcome[] = ['pass', 'pass', 'fail', 'error', 'not_applicable'];

describe(`${EffectivenessQuery.name} over many chunks`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource({ url: db.url, poolSize: 4 }).initialize();
    client = new Client({ connectionString: db.url });
    await client.connect();
    for (let m = 0; m < 4; m++) {
      await client.query(
        `SELECT vigil_ensure_results_partition(($1::date + make_interval(months => $2))::date)`,
        ['2025-12-01', m],
      );
    }
    await client.query(`INSERT INTO services (id, name, owner) VALUES ('svc', 'svc', 'team')`);
    for (let c = 0; c < PAIRS; c++) {
      const control = `c${String(c).padStart(3, '0')}`;
      const frequency = (['hourly', 'daily', 'weekly', 'monthly'] as const)[c % 4];
      await client.query(`INSERT INTO controls (id) VALUES ($1)`, [control]);
      await client.query(
        `INSERT INTO control_versions (control_id, valid_from, valid_to, title, frequency, tolerable_deviation_rate, criteria)
         VALUES ($1, $2, NULL, 't', $3, 0.1, '{CC6.1}')`,
        [control, new Date(0), frequency],
      );
      await client.query(
        `INSERT INTO assignments (service_id, control_id, valid_from, valid_to) VALUES ('svc', $1, $2, NULL)`,
        [control, new Date(BASE - 10 * DAY)],
      );
      // Every ~7 h over 40 days, with microseconds (stored times are not always whole ms); a
      // different pattern per pair, so a pair given another's results would not go unnoticed.
      await client.query(
        `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, event_sha256)
         SELECT nextval('results_seq'), 's', gen_random_uuid()::text, 'svc', $1,
                ($2::text[])[1 + (n * 7 + $3) % 5],
                $4::timestamptz + make_interval(hours => (n * 7 + $3 % 5) - (n % 11 = 0)::int * 7)
                  + make_interval(secs => ((n * 37 + $3) % 3600) + ((n * 131 + $3) % 1000000) / 1000000.0),
                now(), (n + $3) % 13 = 0, NULL, 'x'
           FROM generate_series(0, 140) AS n
          ORDER BY n`,
        [control, OUTCOMES, c, new Date(BASE - 5 * DAY)],
      );
    }
  });

  afterAll(async () => {
    await client?.end();
    await ds?.destroy();
    await db?.drop();
  });

  /** The reference: the engine over every raw result of each pair, read one pair at a time. */
  async function reference(q: { from: Date; to: Date; now: Date }) {
    const scopes = await new CatalogRepository(ds).findPairScopes({ from: q.from, to: q.to });
    const out = [];
    for (const pair of scopes.sort((a, b) => (a.controlId < b.controlId ? -1 : 1))) {
      const rows = (
        await client.query(
          `SELECT event_id AS id, (extract(epoch FROM time) * 1000)::float8 AS time, outcome, late
           FROM results WHERE service_id = $1 AND control_id = $2 ORDER BY time, seq`,
          [pair.serviceId, pair.controlId],
        )
      ).rows as Array<{ id: string; time: number; outcome: Outcome; late: boolean }>;
      const results: ResultPoint[] = rows.map((r) => ({ ...r, evidenceUri: null }));
      const asOf = Math.min(q.to.getTime(), q.now.getTime());
      const { effectiveness } = evaluatePair({
        scopes: scopeIntervals(pair),
        tolerableDeviationRate: versionAt(pair.versions, new Date(asOf)).tolerableDeviationRate,
        window: { from: q.from.getTime(), to: q.to.getTime() },
        asOf,
        results,
      });
      out.push({ controlId: pair.controlId, effectiveness });
    }
    return out;
  }

  it('gives every pair its own results, in pair order, when the pairs span many chunks', async () => {
    const window = { from: new Date(BASE), to: new Date(BASE + 30 * DAY) };
    const now = new Date(BASE + 20 * DAY + 3_600_000 / 3);
    const actual = await new EffectivenessQuery(ds).evaluatePairs({ ...window, now });
    const expected = await reference({ ...window, now });
    expect(actual).toHaveLength(PAIRS);
    expect(actual.map((p) => ({ controlId: p.controlId, effectiveness: p.effectiveness }))).toEqual(
      expected,
    );
    // The data is not trivial: deviations, episodes and partial compliance all occur.
    expect(actual.some((p) => p.effectiveness.deviations > 0)).toBe(true);
    expect(actual.some((p) => p.effectiveness.remediatedEpisodes > 0)).toBe(true);
    expect(actual.some((p) => (p.effectiveness.timeInCompliance ?? 1) < 1)).toBe(true);
  });

  it('reads every window of the evaluator from one read when given rolling windows', async () => {
    const to = new Date(BASE + 30 * DAY);
    const windows = [7, 30].map((days) => ({ from: new Date(to.getTime() - days * DAY), to }));
    const now = new Date(BASE + 40 * DAY);
    const seen: string[] = [];
    await new EffectivenessQuery(ds).forEachPairInWindows({ windows, now }, async (evaluations) => {
      const [week, month] = evaluations;
      seen.push(month?.controlId ?? '');
      expect(week?.controlId).toBe(month?.controlId);
    });
    expect(seen).toEqual((await reference({ ...windows[1], now })).map((p) => p.controlId));
    const expectedWeek = await reference({ ...windows[0], now });
    const actualWeek = await new EffectivenessQuery(ds).evaluatePairs({ ...windows[0], now });
    expect(actualWeek.map((p) => p.effectiveness)).toEqual(
      expectedWeek.map((p) => p.effectiveness),
    );
  });
});
