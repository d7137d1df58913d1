import fc from 'fast-check';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  FREQUENCIES,
  OUTCOMES,
  evaluatePair,
  type Frequency,
  type Outcome,
  type ResultPoint,
} from '@vigil/domain';
import { TestDatabase, createTestDatabase } from '../../../../test/support/infra';
import { CatalogRepository } from '../catalog/catalog.repository';
import { createDataSource } from '../data-source';
import { EffectivenessQuery } from './effectiveness.query';
import {
  CONTEXT_TAIL_RESULTS,
  ResultPackRepository,
  invalidateResultPacks,
  unpackPoints,
} from './result-packs';
import { scopeIntervals, versionAt } from './pair-scope';

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-01T00:00:00Z');

interface RandomPair {
  frequencies: Frequency[];
  /** Day offsets where the control's frequency changes (versions). */
  assignment: { from: number; to: number | null };
  results: Array<{ at: number; outcome: Outcome; late: boolean; uri: string | null }>;
}

const pairArbitrary: fc.Arbitrary<RandomPair> = fc.record({
  frequencies: fc.array(
    fc.constantFrom<Frequency>(...FREQUENCIES.filter((f) => f !== 'annually')),
    {
      minLength: 1,
      maxLength: 2,
    },
  ),
  assignment: fc
    .tuple(
      fc.integer({ min: 0, max: 40 * 24 }),
      fc.option(fc.integer({ min: 1, max: 80 * 24 }), { nil: null }),
    )
    .map(([from, length]) => ({
      from: from * 3_600_000,
      to: length === null ? null : (from + length) * 3_600_000,
    })),
  results: fc.array(
    fc.record({
      // Coarse times make ties (same instant) frequent; the order of ties is seq order.
      at: fc.oneof(
        fc.integer({ min: 0, max: 120 * 24 }).map((h) => h * 3_600_000),
        fc.integer({ min: 0, max: 120 * DAY - 1 }),
      ),
      outcome: fc.constantFrom<Outcome>(...OUTCOMES),
      late: fc.boolean(),
      uri: fc.option(fc.constantFrom('s3://a', 's3://b'), { nil: null }),
    }),
    { maxLength: 150 },
  ),
});

describe(EffectivenessQuery.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource({ url: db.url, poolSize: 2 }).initialize();
    client = new Client({ connectionString: db.url });
    await client.connect();
    for (let m = 0; m < 7; m++) {
      await client.query(
        `SELECT vigil_ensure_results_partition(($1::date + make_interval(months => $2))::date)`,
        ['2025-12-01', m],
      );
    }
  });

  afterAll(async () => {
    await client?.end();
    await ds?.destroy();
    await db?.drop();
  });

  async function insertResults(control: string, results: RandomPair['results']): Promise<void> {
    await client.query(
      `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, event_sha256)
       SELECT nextval('results_seq'), 's', gen_random_uuid()::text, 'svc', $1, r.outcome, r.time, r.time, r.late, r.evidence, 'x'
         FROM unnest($2::text[], $3::timestamptz[], $4::boolean[], $5::jsonb[]) WITH ORDINALITY AS r(outcome, time, late, evidence, n)
        ORDER BY r.n`,
      [
        control,
        results.map((r) => r.outcome),
        results.map((r) => new Date(BASE + r.at)),
        results.map((r) => r.late),
        results.map((r) => (r.uri === null ? null : JSON.stringify({ uri: r.uri }))),
      ],
    );
  }

  async function reset(pairs: RandomPair[]): Promise<void> {
    await client.query(
      `TRUNCATE results, result_packs, result_pack_months, assignments, control_versions, controls, services CASCADE`,
    );
    await client.query(`INSERT INTO services (id, name, owner) VALUES ('svc', 'svc', 'team')`);
    for (const [index, pair] of pairs.entries()) {
      const control = `c${index}`;
      await client.query(`INSERT INTO controls (id) VALUES ($1)`, [control]);
      for (const [v, frequency] of pair.frequencies.entries()) {
        await client.query(
          `INSERT INTO control_versions (control_id, valid_from, valid_to, title, frequency, tolerable_deviation_rate, criteria)
           VALUES ($1, $2, $3, $4, $5, 0.1, '{CC6.1}')`,
          [
            control,
            new Date(v === 0 ? 0 : BASE + 30 * DAY),
            v === pair.frequencies.length - 1 ? null : new Date(BASE + 30 * DAY),
            `v${v}`,
            frequency,
          ],
        );
      }
      await client.query(
        `INSERT INTO assignments (service_id, control_id, valid_from, valid_to) VALUES ('svc', $1, $2, $3)`,
        [
          control,
          new Date(BASE + pair.assignment.from),
          pair.assignment.to === null ? null : new Date(BASE + pair.assignment.to),
        ],
      );
      await insertResults(control, pair.results);
    }
  }

  /** The reference: the engine over every raw result of the pair, from any time. */
  async function reference(q: { from: Date; to: Date; now: Date }) {
    const scopes = await new CatalogRepository(ds).findPairScopes({ from: q.from, to: q.to });
    const out = [];
    for (const pair of scopes) {
      const rows = (
        await client.query(
          `SELECT event_id AS id, (extract(epoch FROM time) * 1000)::float8 AS time, outcome, late, evidence->>'uri' AS uri
           FROM results WHERE service_id = $1 AND control_id = $2 ORDER BY time, seq`,
          [pair.serviceId, pair.controlId],
        )
      ).rows as Array<{
        id: string;
        time: number;
        outcome: Outcome;
        late: boolean;
        uri: string | null;
      }>;
      const results: ResultPoint[] = rows.map((r) => ({
        id: r.id,
        time: r.time,
        outcome: r.outcome,
        late: r.late,
        evidenceUri: r.uri,
      }));
      const asOf = Math.min(q.to.getTime(), q.now.getTime());
      const evaluated = evaluatePair({
        scopes: scopeIntervals(pair),
        tolerableDeviationRate: versionAt(pair.versions, new Date(asOf)).tolerableDeviationRate,
        window: { from: q.from.getTime(), to: q.to.getTime() },
        asOf,
        results,
      });
      out.push({ controlId: pair.controlId, ...evaluated });
    }
    return out;
  }

  it('equals the engine over every raw result when given random pairs, results and windows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pairArbitrary, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 100 * DAY }),
        fc.integer({ min: 1, max: 60 * DAY }),
        fc.integer({ min: -10 * DAY, max: 10 * DAY }),
        async (pairs, fromOffset, length, nowShift) => {
          await reset(pairs);
          const window = {
            from: new Date(BASE + fromOffset),
            to: new Date(BASE + fromOffset + length),
          };
          const now = new Date(window.to.getTime() + nowShift);
          const actual = await new EffectivenessQuery(ds).evaluatePairs({
            ...window,
            now,
            withSlots: true,
          });
          const expected = await reference({ ...window, now });
          expect(
            actual.map((p) => ({
              controlId: p.controlId,
              effectiveness: p.effectiveness,
              slots: p.slots,
            })),
          ).toEqual(
            expected.map((p) => ({
              controlId: p.controlId,
              effectiveness: p.effectiveness,
              slots: p.slots,
            })),
          );
          const withoutSlots = await new EffectivenessQuery(ds).evaluatePairs({ ...window, now });
          expect(withoutSlots.map((p) => p.effectiveness)).toEqual(
            expected.map((p) => p.effectiveness),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds the context before a window behind more not_applicable results than the month tail it reads', async () => {
    // January: a fail, then CONTEXT_TAIL_RESULTS + 6 not_applicable results at its end. The
    // window starts in February before any February result, so its context is in January's
    // pack, of which only the tail is read: the latest applicable result (the fail) lies
    // before the tail and must come from `results`. Were it lost, the fail of February 12
    // would start a counted episode (no predecessor) instead of continuing January's.
    const H = 3_600_000;
    const results: RandomPair['results'] = [
      { at: 4 * DAY + 10 * H, outcome: 'fail', late: false, uri: null },
      ...Array.from({ length: CONTEXT_TAIL_RESULTS + 6 }, (_, i) => ({
        at: 30 * DAY + i * 60_000,
        outcome: 'not_applicable' as const,
        late: false,
        uri: null,
      })),
      { at: 42 * DAY + 8 * H, outcome: 'fail', late: false, uri: null },
      { at: 44 * DAY + 8 * H, outcome: 'pass', late: false, uri: null },
    ];
    await reset([{ frequencies: ['daily'], assignment: { from: 0, to: null }, results }]);
    await new ResultPackRepository(ds).packUntil(new Date(BASE + 59 * DAY));
    const q = {
      from: new Date(BASE + 40 * DAY),
      to: new Date(BASE + 50 * DAY),
      now: new Date(BASE + 70 * DAY),
    };
    const [pair] = await new EffectivenessQuery(ds).evaluatePairs(q);
    const [expected] = await reference(q);
    expect(pair.effectiveness).toEqual(expected.effectiveness);
    expect(pair.effectiveness).toMatchObject({ remediatedEpisodes: 0, openEpisodes: 0 });
  });

  it('evaluates a past window with the control as the catalogue defines it now', async () => {
    // Versions: daily until day 30 of 2026, then weekly with another tolerance (reset() opens
    // the second version at BASE + 30 days). January is evaluated weekly, as "the control's
    // frequency" (SPEC §5.1) is now: four ISO weeks from Monday Jan 5 to Monday Feb 2.
    const results: RandomPair['results'] = [
      { at: 6 * DAY, outcome: 'pass', late: false, uri: null },
      { at: 13 * DAY, outcome: 'fail', late: false, uri: null },
    ];
    await reset([{ frequencies: ['daily', 'weekly'], assignment: { from: 0, to: null }, results }]);
    await client.query(
      `UPDATE control_versions SET tolerable_deviation_rate = 0.8 WHERE valid_to IS NULL`,
    );
    const q = {
      from: new Date(BASE),
      to: new Date(BASE + 32 * DAY),
      now: new Date(BASE + 90 * DAY),
    };
    const [pair] = await new EffectivenessQuery(ds).evaluatePairs({ ...q, withSlots: true });
    expect(pair.control).toMatchObject({ frequency: 'weekly', tolerableDeviationRate: 0.8 });
    expect(
      pair.slots?.map((s) => [new Date(s.start).toISOString().slice(0, 10), s.status]),
    ).toEqual([
      ['2026-01-05', 'passed'],
      ['2026-01-12', 'failed'],
      ['2026-01-19', 'missed'],
      ['2026-01-26', 'missed'],
    ]);
    expect(pair.effectiveness).toMatchObject({
      deviationRate: 0.75,
      verdict: 'effective_with_exceptions',
    });
    // A criterion holds the pairs whose control maps to it now, whatever it mapped to before.
    await client.query(`UPDATE control_versions SET criteria = '{CC7.1}' WHERE valid_to IS NULL`);
    const query = new EffectivenessQuery(ds);
    await expect(query.evaluatePairs({ ...q, criterionId: 'CC6.1' })).resolves.toEqual([]);
    await expect(query.evaluatePairs({ ...q, criterionId: 'CC7.1' })).resolves.toHaveLength(1);
  });

  it('reads a pass at exactly the window end as ending the episode, from results and from packs', async () => {
    // "Ended by asOf" is inclusive (see failureEpisodes): with asOf = to, the pass at `to` ends
    // the episode, though outside [from, to) it is counted nowhere else.
    const H = 3_600_000;
    const results: RandomPair['results'] = [
      { at: 4 * DAY + 10 * H, outcome: 'fail', late: false, uri: null },
      { at: 5 * DAY, outcome: 'pass', late: false, uri: null },
      { at: 5 * DAY + 1, outcome: 'fail', late: false, uri: null },
    ];
    await reset([{ frequencies: ['daily'], assignment: { from: 0, to: null }, results }]);
    const q = { from: new Date(BASE), to: new Date(BASE + 5 * DAY), now: new Date(BASE + 9 * DAY) };
    const expectedFigures = {
      remediatedEpisodes: 1,
      openEpisodes: 0,
      mttrSeconds: 14 * 3600,
      resultCounts: { pass: 0, fail: 1, error: 0, notApplicable: 0 },
    };
    const [expected] = await reference(q);
    expect(expected.effectiveness).toMatchObject(expectedFigures);
    const query = new EffectivenessQuery(ds);
    const [raw] = await query.evaluatePairs(q);
    const [withSlots] = await query.evaluatePairs({ ...q, withSlots: true });
    expect(raw.effectiveness).toEqual(expected.effectiveness);
    expect(withSlots.effectiveness).toEqual(expected.effectiveness);
    await new ResultPackRepository(ds).packUntil(new Date(BASE + 8 * DAY));
    const [packed] = await query.evaluatePairs(q);
    expect(packed.effectiveness).toEqual(expected.effectiveness);
  });

  it('equals the engine over every raw result when results come from packs, also after late results invalidate them', async () => {
    const packs = new ResultPackRepository(ds);
    await fc.assert(
      fc.asyncProperty(
        fc.array(pairArbitrary, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 100 * DAY }),
        fc.integer({ min: 1, max: 60 * DAY }),
        fc.integer({ min: 0, max: 130 }),
        fc.array(
          pairArbitrary.map((p) => p.results),
          { minLength: 1, maxLength: 4 },
        ),
        async (pairs, fromOffset, length, horizonDay, late) => {
          await reset(pairs);
          const window = {
            from: new Date(BASE + fromOffset),
            to: new Date(BASE + fromOffset + length),
          };
          const now = new Date(BASE + 130 * DAY);
          // Packed in two steps, as the daily runs do: the second extends the first's months.
          await packs.packUntil(new Date(BASE + Math.floor(horizonDay / 2) * DAY));
          await packs.packUntil(new Date(BASE + horizonDay * DAY));
          // Each pack holds exactly its pair's results of [month, covered_until), in order.
          const stored = await client.query<{
            control_id: string;
            month: Date;
            covered_until: Date;
            data: Buffer;
          }>(
            `SELECT control_id, month::timestamp AT TIME ZONE 'UTC' AS month, covered_until, data FROM result_packs`,
          );
          for (const pack of stored.rows) {
            const raw = await client.query<{ time: number; outcome: Outcome; late: boolean }>(
              `SELECT (extract(epoch FROM time) * 1000)::float8 AS time, outcome, late FROM results
                WHERE control_id = $1 AND time >= $2 AND time < $3 ORDER BY time, seq`,
              [pack.control_id, pack.month, pack.covered_until],
            );
            expect(unpackPoints(pack.data, -Infinity, Infinity)).toEqual(
              raw.rows.map((r) => ({ ...r, id: '', evidenceUri: null })),
            );
          }
          const packed = await new EffectivenessQuery(ds).evaluatePairs({ ...window, now });
          const packedReference = await reference({ ...window, now });
          expect(packed.map((p) => p.effectiveness)).toEqual(
            packedReference.map((p) => p.effectiveness),
          );
          // With slots (ids and evidence from results, the context from the packs).
          const withSlots = await new EffectivenessQuery(ds).evaluatePairs({
            ...window,
            now,
            withSlots: true,
          });
          expect(
            withSlots.map((p) => ({ effectiveness: p.effectiveness, slots: p.slots })),
          ).toEqual(
            packedReference.map((p) => ({ effectiveness: p.effectiveness, slots: p.slots })),
          );

          // Late results, stored the way ingest stores them: in the transaction that invalidates.
          await client.query('BEGIN');
          for (const [index, results] of late.slice(0, pairs.length).entries()) {
            await insertResults(`c${index}`, results);
            await invalidateResultPacks(
              client,
              results.map((r) => ({
                serviceId: 'svc',
                controlId: `c${index}`,
                time: new Date(BASE + r.at),
              })),
            );
          }
          await client.query('COMMIT');
          const expected = (await reference({ ...window, now })).map((p) => p.effectiveness);
          const invalidated = await new EffectivenessQuery(ds).evaluatePairs({ ...window, now });
          expect(invalidated.map((p) => p.effectiveness)).toEqual(expected);
          await packs.repackInvalidated();
          const { rows } = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM result_packs WHERE data IS NULL`,
          );
          expect(rows[0].n).toBe('0');
          const repacked = await new EffectivenessQuery(ds).evaluatePairs({ ...window, now });
          expect(repacked.map((p) => p.effectiveness)).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
