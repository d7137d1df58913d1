import fc from 'fast-check';
import { resultsArbitrary, scopesArbitrary, type Grid } from '../testing/arbitraries';
import {
  bruteComplianceTime,
  bruteExpectedSlots,
  bruteFailureEpisodes,
} from '../testing/brute-force';
import { at, iso, resultAt, scope } from '../testing/factories';
import { DAY_MS, HOUR_MS } from '../time/instant';
import { evaluatePair } from './evaluate-pair';
import type { PairEvaluationInput } from './pair-effectiveness';
import type { ResultPoint } from './result-point';

function input(overrides: Partial<PairEvaluationInput> & Pick<PairEvaluationInput, 'window'>) {
  return {
    scopes: [],
    tolerableDeviationRate: 0.05,
    asOf: overrides.window.to,
    results: [],
    ...overrides,
  };
}

describe(evaluatePair.name, () => {
  describe('a daily control over ten days of March 2026', () => {
    const window = { from: at('2026-03-01T00:00Z'), to: at('2026-03-11T00:00Z') };
    const scopes = [scope('daily', '2026-02-01T00:00Z')];
    const feb28 = resultAt('2026-02-28T09:00Z', 'pass'); // context before the window
    const mar1 = resultAt('2026-03-01T09:00Z', 'pass', { late: true, evidenceUri: 's3://e/1' });
    const mar2Fail = resultAt('2026-03-02T09:00Z', 'fail');
    const mar2Pass = resultAt('2026-03-02T15:00Z', 'pass'); // ends episode 1 after 6 h
    const mar4 = resultAt('2026-03-04T09:00Z', 'not_applicable');
    const mar6 = resultAt('2026-03-06T09:00Z', 'error');
    const mar8 = resultAt('2026-03-08T09:00Z', 'pass'); // ends episode 2 after 2 d
    const mar9a = resultAt('2026-03-09T09:00Z', 'pass', { evidenceUri: 's3://e/9' });
    const mar9b = resultAt('2026-03-09T10:00Z', 'pass', { evidenceUri: 's3://e/9' });
    const mar10 = resultAt('2026-03-10T09:00Z', 'fail'); // episode 3, still open
    const results = [feb28, mar1, mar2Fail, mar2Pass, mar4, mar6, mar8, mar9a, mar9b, mar10];

    it('computes every §5 figure when the window has ended', () => {
      const { effectiveness } = evaluatePair(
        input({ window, scopes, results, tolerableDeviationRate: 0.2 }),
      );
      // Slots: P F M NA M F M P P F.
      // Compliance (daily: fresh for 2 d): compliant 9 + 24 + 42 + 24 + 24 = 123 h; not
      // compliant 6 h (fail) + 48 h (error) + 15 h (fail); 48 h under not_applicable left out.
      expect(effectiveness).toEqual({
        expectedOccurrences: 9,
        passedOccurrences: 3,
        failedOccurrences: 3,
        missedOccurrences: 3,
        notApplicableOccurrences: 1,
        deviations: 6,
        deviationRate: 6 / 9,
        coverage: 6 / 9,
        longestDeviationStreak: 5,
        remediatedEpisodes: 2,
        openEpisodes: 1,
        mttrSeconds: (6 * 3600 + 2 * 86400) / 2,
        remediatedMicroseconds: (6 * 3600 + 2 * 86400) * 1e6,
        timeInCompliance: 123 / 192,
        resultCounts: { pass: 5, fail: 2, error: 1, notApplicable: 1 },
        lateResults: 1,
        verdict: 'not_effective',
        meetsMinimumPeriod: false,
        inScopeSeconds: 10 * 86400,
        complianceSeconds: { compliant: 123 * 3600, considered: 192 * 3600 },
      });
    });

    it('lists every expected slot with its results and distinct evidence when asked for slots', () => {
      const { slots } = evaluatePair(input({ window, scopes, results }));
      expect(slots.map((s) => s.status)).toEqual([
        'passed',
        'failed',
        'missed',
        'not_applicable',
        'missed',
        'failed',
        'missed',
        'passed',
        'passed',
        'failed',
      ]);
      expect(slots[0]).toEqual({
        start: at('2026-03-01T00:00Z'),
        end: at('2026-03-02T00:00Z'),
        frequency: 'daily',
        status: 'passed',
        resultIds: [mar1.id],
        evidenceUris: ['s3://e/1'],
      });
      expect(slots[1].resultIds).toEqual([mar2Fail.id, mar2Pass.id]);
      expect(slots[2]).toMatchObject({ status: 'missed', resultIds: [], evidenceUris: [] });
      expect(slots[8]).toMatchObject({
        resultIds: [mar9a.id, mar9b.id],
        evidenceUris: ['s3://e/9'],
      });
    });

    it('evaluates only what is due when asOf cuts the window', () => {
      const asOf = at('2026-03-06T12:00Z');
      const known = results.filter((r) => r.time < asOf);
      const { effectiveness, slots } = evaluatePair(
        input({ window, scopes, asOf, results: known }),
      );
      expect(slots.map((s) => iso(s.start))).toEqual([
        '2026-03-01T00:00:00.000Z',
        '2026-03-02T00:00:00.000Z',
        '2026-03-03T00:00:00.000Z',
        '2026-03-04T00:00:00.000Z',
        '2026-03-05T00:00:00.000Z',
      ]);
      expect(effectiveness).toEqual({
        expectedOccurrences: 4,
        passedOccurrences: 1,
        failedOccurrences: 1,
        missedOccurrences: 2,
        notApplicableOccurrences: 1,
        deviations: 3,
        deviationRate: 0.75,
        coverage: 0.5,
        longestDeviationStreak: 3,
        remediatedEpisodes: 1,
        openEpisodes: 1, // the error of 6 March 09:00, not yet fixed at 12:00
        mttrSeconds: 6 * 3600,
        remediatedMicroseconds: 6 * 3600 * 1e6,
        timeInCompliance: 75 / 84,
        resultCounts: { pass: 2, fail: 1, error: 1, notApplicable: 1 },
        lateResults: 1,
        verdict: 'not_effective',
        meetsMinimumPeriod: false,
        inScopeSeconds: 10 * 86400,
        complianceSeconds: { compliant: 75 * 3600, considered: 84 * 3600 },
      });
    });

    it('clamps asOf to the window end when given a later instant', () => {
      const atEnd = evaluatePair(input({ window, scopes, results }));
      const later = evaluatePair(input({ window, scopes, results, asOf: at('2027-01-01T00:00Z') }));
      expect(later).toEqual(atEnd);
    });

    it('orders results by time when given out of order', () => {
      const shuffled = [mar10, feb28, mar6, mar1, mar2Fail, mar9a, mar4, mar2Pass, mar9b, mar8];
      expect(evaluatePair(input({ window, scopes, results: shuffled }))).toEqual(
        evaluatePair(input({ window, scopes, results })),
      );
    });
  });

  it('counts ISO week 53 as one slot when a weekly control crosses the end of 2026', () => {
    const jan2 = resultAt('2027-01-02T12:00Z', 'pass'); // a Saturday of week 53 of 2026
    const results = [
      resultAt('2026-12-02T00:00Z', 'pass'), // in the window, but its week started 30 November
      resultAt('2026-12-08T00:00Z', 'pass'),
      resultAt('2026-12-15T00:00Z', 'pass'),
      resultAt('2026-12-22T00:00Z', 'pass'),
      jan2,
      resultAt('2027-01-05T00:00Z', 'pass'),
      // nothing in the week of 11 January
      resultAt('2027-01-19T00:00Z', 'fail'),
      resultAt('2027-01-26T00:00Z', 'pass'),
    ];
    const { effectiveness, slots } = evaluatePair(
      input({
        window: { from: at('2026-12-01T00:00Z'), to: at('2027-02-01T00:00Z') },
        scopes: [scope('weekly', '2026-06-01T00:00Z')],
        tolerableDeviationRate: 0.5,
        results,
      }),
    );
    expect(slots.map((s) => [iso(s.start).slice(0, 10), s.status])).toEqual([
      ['2026-12-07', 'passed'],
      ['2026-12-14', 'passed'],
      ['2026-12-21', 'passed'],
      ['2026-12-28', 'passed'],
      ['2027-01-04', 'passed'],
      ['2027-01-11', 'missed'],
      ['2027-01-18', 'failed'],
      ['2027-01-25', 'passed'],
    ]);
    expect(slots[3]).toMatchObject({ end: at('2027-01-04T00:00Z'), resultIds: [jan2.id] });
    // Weekly results stay fresh 14 days: only 1 December (no evidence yet) and the week of the
    // failure are not compliant, 8 of 62 days.
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 8,
      passedOccurrences: 6,
      failedOccurrences: 1,
      missedOccurrences: 1,
      deviationRate: 0.25,
      coverage: 7 / 8,
      longestDeviationStreak: 2,
      remediatedEpisodes: 1,
      openEpisodes: 0,
      mttrSeconds: 7 * 86400,
      timeInCompliance: 54 / 62,
      resultCounts: { pass: 7, fail: 1, error: 0, notApplicable: 0 },
      verdict: 'effective_with_exceptions',
    });
  });

  it('ends February on the leap day when a monthly control runs through 2024', () => {
    const results = [
      resultAt('2024-01-20T00:00Z', 'pass'), // January is not expected: the assignment starts mid-month
      resultAt('2024-02-29T23:59:59.999Z', 'pass'),
      resultAt('2024-03-01T00:00Z', 'pass'),
      ...['04', '05', '07', '08', '09', '10', '11', '12'].map((m) =>
        resultAt(`2024-${m}-28T00:00Z`, 'pass'),
      ),
    ];
    const { effectiveness, slots } = evaluatePair(
      input({
        window: { from: at('2024-01-01T00:00Z'), to: at('2025-01-01T00:00Z') },
        scopes: [scope('monthly', '2024-01-15T00:00Z')],
        tolerableDeviationRate: 0.1,
        results,
      }),
    );
    expect(slots[0]).toMatchObject({
      start: at('2024-02-01T00:00Z'),
      end: at('2024-03-01T00:00Z'),
      status: 'passed',
    });
    expect(slots.filter((s) => s.status === 'missed').map((s) => iso(s.start))).toEqual([
      '2024-06-01T00:00:00.000Z',
    ]);
    // Monthly results stay fresh 62 days, which covers 28 May → 28 July (61 days); only the 5
    // days before the first result are not compliant.
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 11,
      passedOccurrences: 10,
      missedOccurrences: 1,
      deviationRate: 1 / 11,
      longestDeviationStreak: 1,
      remediatedEpisodes: 0,
      mttrSeconds: null,
      timeInCompliance: 347 / 352,
      resultCounts: { pass: 11, fail: 0, error: 0, notApplicable: 0 },
      verdict: 'effective_with_exceptions',
      meetsMinimumPeriod: true,
      inScopeSeconds: 352 * 86400,
    });
  });

  it('drops the quarter the assignment ends in and excludes a quarter when it is not_applicable', () => {
    const { effectiveness, slots } = evaluatePair(
      input({
        window: { from: at('2026-01-01T00:00Z'), to: at('2027-01-01T00:00Z') },
        scopes: [scope('quarterly', '2025-01-01T00:00Z', '2026-08-15T00:00Z')],
        results: [
          resultAt('2026-02-10T00:00Z', 'pass'),
          resultAt('2026-05-10T00:00Z', 'not_applicable'),
        ],
      }),
    );
    expect(slots.map((s) => [iso(s.start).slice(0, 10), s.status])).toEqual([
      ['2026-01-01', 'passed'],
      ['2026-04-01', 'not_applicable'],
    ]);
    // No evidence 1 Jan → 10 Feb (40 d), pass 10 Feb → 10 May (89 d), not_applicable after.
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 1,
      passedOccurrences: 1,
      notApplicableOccurrences: 1,
      deviationRate: 0,
      coverage: 1,
      timeInCompliance: 89 / 129,
      verdict: 'effective',
      meetsMinimumPeriod: true,
      inScopeSeconds: 226 * 86400,
    });
  });

  it('measures a year-long episode across a leap day when an annual control fails', () => {
    const { effectiveness, slots } = evaluatePair(
      input({
        window: { from: at('2020-01-01T00:00Z'), to: at('2026-01-01T00:00Z') },
        scopes: [scope('annually', '2019-06-01T00:00Z')],
        tolerableDeviationRate: 0.2,
        results: [
          resultAt('2020-12-31T23:59Z', 'pass'),
          resultAt('2021-07-01T00:00Z', 'pass'),
          resultAt('2022-07-01T00:00Z', 'pass'),
          resultAt('2023-07-01T00:00Z', 'fail'),
          resultAt('2024-02-29T00:00Z', 'pass'),
          resultAt('2025-01-01T00:00Z', 'pass'),
        ],
      }),
    );
    expect(slots.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'failed',
      'passed',
      'passed',
    ]);
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 6,
      failedOccurrences: 1,
      deviationRate: 1 / 6,
      remediatedEpisodes: 1,
      mttrSeconds: 243 * 86400, // 1 July 2023 → 29 February 2024
      verdict: 'effective_with_exceptions',
    });
  });

  it('evaluates hours up to asOf when an hourly control is evaluated mid-morning', () => {
    const { effectiveness, slots } = evaluatePair(
      input({
        window: { from: at('2026-03-29T00:00Z'), to: at('2026-03-29T06:00Z') },
        asOf: at('2026-03-29T03:30Z'),
        scopes: [scope('hourly', '2026-03-01T00:00Z')],
        results: [
          resultAt('2026-03-29T00:15Z', 'pass'),
          resultAt('2026-03-29T01:59:59.999Z', 'pass'),
          resultAt('2026-03-29T02:00:00.000Z', 'fail'),
        ],
      }),
    );
    expect(slots.map((s) => [iso(s.start).slice(11, 16), s.status])).toEqual([
      ['00:00', 'passed'],
      ['01:00', 'passed'],
      ['02:00', 'failed'],
    ]);
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 3,
      deviationRate: 1 / 3,
      openEpisodes: 1,
      remediatedEpisodes: 0,
      timeInCompliance: 0.5, // 00:15 → 02:00 of 00:00 → 03:30
      complianceSeconds: { compliant: 105 * 60, considered: 210 * 60 },
      verdict: 'not_effective',
      inScopeSeconds: 6 * 3600,
    });
  });

  it('is effective_with_exceptions when the deviation rate equals the tolerance exactly', () => {
    const days = Array.from({ length: 20 }, (_, i) => at('2026-04-01T06:00Z') + i * DAY_MS);
    const results = days.filter((_, i) => i !== 9).map((time) => resultAt(iso(time), 'pass'));
    const { effectiveness } = evaluatePair(
      input({
        window: { from: at('2026-04-01T00:00Z'), to: at('2026-04-21T00:00Z') },
        scopes: [scope('daily', '2026-01-01T00:00Z')],
        tolerableDeviationRate: 0.05,
        results,
      }),
    );
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 20,
      missedOccurrences: 1,
      deviationRate: 0.05,
      verdict: 'effective_with_exceptions',
    });
  });

  it('counts only in-scope slots and time when the assignment has a gap', () => {
    const results = Array.from({ length: 31 }, (_, i) =>
      resultAt(iso(at('2026-01-01T00:00Z') + i * DAY_MS), 'pass'),
    );
    const { effectiveness } = evaluatePair(
      input({
        window: { from: at('2026-01-01T00:00Z'), to: at('2026-02-01T00:00Z') },
        scopes: [
          scope('daily', '2026-01-01T00:00Z', '2026-01-10T12:00Z'),
          scope('daily', '2026-01-20T00:00Z'),
        ],
        results,
      }),
    );
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 21, // 1–9 and 20–31 January; 10 January is cut by the scope end
      passedOccurrences: 21,
      verdict: 'effective',
      timeInCompliance: 1,
      inScopeSeconds: 21.5 * 86400,
      complianceSeconds: { compliant: 21.5 * 86400, considered: 21.5 * 86400 },
      resultCounts: { pass: 31, fail: 0, error: 0, notApplicable: 0 },
    });
  });

  it('meets the minimum period on the whole window when asOf has elapsed only part of it', () => {
    const { effectiveness } = evaluatePair(
      input({
        window: { from: at('2026-01-01T00:00Z'), to: at('2026-04-01T00:00Z') },
        asOf: at('2026-02-01T00:00Z'),
        scopes: [scope('monthly', '2025-01-01T00:00Z')],
        results: [resultAt('2026-01-15T00:00Z', 'pass')],
      }),
    );
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 1,
      meetsMinimumPeriod: true,
      inScopeSeconds: 90 * 86400,
    });
  });

  it('is not_in_scope with null rates when nothing is in scope', () => {
    const { effectiveness, slots } = evaluatePair(
      input({ window: { from: at('2026-01-01T00:00Z'), to: at('2026-02-01T00:00Z') } }),
    );
    expect(slots).toEqual([]);
    expect(effectiveness).toMatchObject({
      expectedOccurrences: 0,
      deviationRate: null,
      coverage: null,
      mttrSeconds: null,
      timeInCompliance: null,
      verdict: 'not_in_scope',
      inScopeSeconds: 0,
    });
  });

  it('throws when the window is unbounded', () => {
    expect(() =>
      evaluatePair(input({ window: { from: 0, to: Number.POSITIVE_INFINITY } })),
    ).toThrow(RangeError);
  });

  // Property: the composed evaluation agrees, rule by rule, with the brute-force references,
  // and the results before the required context never change anything.
  const grid: Grid = { origin: at('2026-12-20T00:00Z'), step: HOUR_MS, steps: 21 * 24 };
  const historyGrid: Grid = { origin: grid.origin - 5 * DAY_MS, step: HOUR_MS, steps: 26 * 24 };
  const bound = fc.integer({ min: 0, max: grid.steps }).map((k) => grid.origin + k * HOUR_MS);

  /** What a caller must pass: the window's results plus the two context results before it. */
  function minimalInput(history: readonly ResultPoint[], from: number, to: number): ResultPoint[] {
    const before = history.filter((r) => r.time < from);
    const latest = before.at(-1);
    const latestApplicable = before.filter((r) => r.outcome !== 'not_applicable').at(-1);
    return history.filter(
      (r) => (r.time >= from && r.time < to) || r === latest || r === latestApplicable,
    );
  }

  it('agrees with the brute-force references and ignores older history when inputs are random', () => {
    fc.assert(
      fc.property(
        scopesArbitrary(grid, ['hourly', 'daily', 'weekly']),
        resultsArbitrary(historyGrid, 60, 10),
        bound,
        bound,
        bound,
        fc.constantFrom(0, 0.05, 0.2, 1),
        (scopes, allResults, a, b, now, tolerableDeviationRate) => {
          const window = { from: Math.min(a, b), to: Math.max(a, b) };
          const asOf = Math.min(window.to, now);
          const history = allResults.filter((r) => r.time < window.to);
          const results = minimalInput(history, window.from, window.to);
          const evaluation = evaluatePair({
            scopes,
            tolerableDeviationRate,
            window,
            asOf,
            results,
          });
          const { effectiveness: e, slots } = evaluation;

          expect(
            evaluatePair({ scopes, tolerableDeviationRate, window, asOf, results: history }),
          ).toEqual(evaluation);

          expect(slots.map(({ start, end, frequency }) => ({ start, end, frequency }))).toEqual(
            bruteExpectedSlots(scopes, window, asOf),
          );
          for (const slot of slots) {
            const inSlot = results.filter((r) => r.time >= slot.start && r.time < slot.end);
            expect(slot.resultIds).toEqual(inSlot.map((r) => r.id));
            const outcomes = new Set(inSlot.map((r) => r.outcome));
            const expected =
              outcomes.has('fail') || outcomes.has('error')
                ? 'failed'
                : outcomes.has('pass')
                  ? 'passed'
                  : outcomes.has('not_applicable')
                    ? 'not_applicable'
                    : 'missed';
            expect(slot.status).toBe(expected);
          }

          expect(e.passedOccurrences + e.failedOccurrences + e.missedOccurrences).toBe(
            e.expectedOccurrences,
          );
          expect(e.expectedOccurrences + e.notApplicableOccurrences).toBe(slots.length);
          expect(e.deviations).toBe(e.failedOccurrences + e.missedOccurrences);
          expect(e.deviationRate).toBe(
            e.expectedOccurrences ? e.deviations / e.expectedOccurrences : null,
          );
          expect(e.longestDeviationStreak).toBeLessThanOrEqual(e.deviations);
          const expectedVerdict =
            e.expectedOccurrences === 0
              ? 'not_in_scope'
              : e.deviations === 0
                ? 'effective'
                : e.deviations / e.expectedOccurrences <= tolerableDeviationRate
                  ? 'effective_with_exceptions'
                  : 'not_effective';
          expect(e.verdict).toBe(expectedVerdict);

          const episodes = bruteFailureEpisodes(results, window.from, asOf);
          expect(e.remediatedEpisodes).toBe(episodes.filter((ep) => ep.end !== null).length);
          expect(e.openEpisodes).toBe(episodes.filter((ep) => ep.end === null).length);

          const compliance = bruteComplianceTime(results, scopes, window.from, asOf, HOUR_MS);
          expect(e.complianceSeconds).toEqual({
            compliant: compliance.compliant / 1000,
            considered: compliance.considered / 1000,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
