import fc from 'fast-check';
import { resultsArbitrary, scopesArbitrary, type Grid } from '../testing/arbitraries';
import { at, resultAt, scope } from '../testing/factories';
import { DAY_MS, HOUR_MS } from '../time/instant';
import { evaluatePair } from './evaluate-pair';
import { evaluatePairSummary } from './evaluate-pair-summary';
import type { PairEvaluationInput } from './pair-effectiveness';
import type { ResultPoint } from './result-point';

/** Equal value by value and key by key, in the same order (what JSON responses show). */
function expectSameAsEvaluatePair(input: PairEvaluationInput): void {
  const expected = evaluatePair(input).effectiveness;
  const summary = evaluatePairSummary(input);
  expect(summary).toEqual(expected);
  expect(JSON.stringify(summary)).toBe(JSON.stringify(expected));
}

/** Moves results off the grid by a sub-millisecond or sub-step amount, as stored times can be. */
function jitter(results: ResultPoint[], offsets: number[]): ResultPoint[] {
  return results
    .map((r, i) => ({ ...r, time: r.time + (offsets[i % offsets.length] ?? 0) }))
    .sort((a, b) => a.time - b.time);
}

describe(evaluatePairSummary.name, () => {
  it('equals the effectiveness of evaluatePair when a daily control has every kind of slot', () => {
    const window = { from: at('2026-03-01T00:00Z'), to: at('2026-03-11T00:00Z') };
    expectSameAsEvaluatePair({
      scopes: [scope('daily', '2026-02-01T00:00Z')],
      tolerableDeviationRate: 0.2,
      window,
      asOf: window.to,
      results: [
        resultAt('2026-02-28T09:00Z', 'pass'),
        resultAt('2026-03-01T09:00Z', 'pass', { late: true }),
        resultAt('2026-03-02T09:00Z', 'fail'),
        resultAt('2026-03-02T15:00Z', 'pass'),
        resultAt('2026-03-04T09:00Z', 'not_applicable'),
        resultAt('2026-03-06T09:00Z', 'error'),
        resultAt('2026-03-08T09:00Z', 'pass'),
        resultAt('2026-03-10T09:00Z', 'fail'),
      ],
    });
  });

  it('is not_in_scope with null rates when nothing is in scope', () => {
    const window = { from: at('2026-03-01T00:00Z'), to: at('2026-03-02T00:00Z') };
    const summary = evaluatePairSummary({
      scopes: [],
      tolerableDeviationRate: 0.05,
      window,
      asOf: window.to,
      results: [],
    });
    expect(summary.verdict).toBe('not_in_scope');
    expect(summary.deviationRate).toBeNull();
    expect(summary.timeInCompliance).toBeNull();
  });

  it('throws a RangeError when the window is unbounded, asOf is not finite or scopes overlap', () => {
    const base: PairEvaluationInput = {
      scopes: [],
      tolerableDeviationRate: 0.05,
      window: { from: 0, to: DAY_MS },
      asOf: DAY_MS,
      results: [],
    };
    expect(() =>
      evaluatePairSummary({ ...base, window: { from: 0, to: Number.POSITIVE_INFINITY } }),
    ).toThrow(RangeError);
    expect(() => evaluatePairSummary({ ...base, asOf: Number.NaN })).toThrow(RangeError);
    expect(() =>
      evaluatePairSummary({
        ...base,
        scopes: [
          { from: 0, to: DAY_MS, frequency: 'hourly' },
          { from: HOUR_MS, to: 2 * DAY_MS, frequency: 'daily' },
        ],
      }),
    ).toThrow(RangeError);
  });

  // Hours over three weeks (hourly, daily and weekly slots, ISO week 53 of 2026), and days over
  // three years (every frequency, leap day 2028, quarters and years cut by scope boundaries).
  const grids: Array<
    [
      string,
      Grid,
      Grid,
      readonly ('hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'annually')[],
      number,
    ]
  > = [
    [
      'hour grid',
      { origin: at('2026-12-20T00:00Z'), step: HOUR_MS, steps: 21 * 24 },
      { origin: at('2026-12-15T00:00Z'), step: HOUR_MS, steps: 26 * 24 },
      ['hourly', 'daily', 'weekly'],
      1500,
    ],
    [
      'day grid',
      { origin: at('2026-11-01T00:00Z'), step: DAY_MS, steps: 3 * 366 },
      { origin: at('2026-09-01T00:00Z'), step: DAY_MS, steps: 3 * 366 + 61 },
      ['daily', 'weekly', 'monthly', 'quarterly', 'annually'],
      1500,
    ],
  ];

  it.each(grids)(
    'equals evaluatePair(...).effectiveness when inputs are random on the %s',
    (_name, grid, historyGrid, frequencies, numRuns) => {
      const bound = fc.integer({ min: 0, max: grid.steps }).map((k) => grid.origin + k * grid.step);
      fc.assert(
        fc.property(
          scopesArbitrary(grid, frequencies),
          resultsArbitrary(historyGrid, 80),
          fc.array(fc.constantFrom(0, 0, 0, 0.25, 0.999, 1, grid.step / 2, grid.step - 1), {
            minLength: 1,
            maxLength: 5,
          }),
          bound,
          bound,
          fc.oneof(bound, fc.constant(Number.POSITIVE_INFINITY)),
          fc.constantFrom(0, 0.05, 0.2, 1),
          (scopes, allResults, offsets, a, b, now, tolerableDeviationRate) => {
            const window = { from: Math.min(a, b), to: Math.max(a, b) };
            expectSameAsEvaluatePair({
              scopes,
              tolerableDeviationRate,
              window,
              asOf: Math.min(window.to, now),
              results: jitter(allResults, offsets),
            });
          },
        ),
        { numRuns },
      );
    },
  );

  it('equals evaluatePair(...).effectiveness when the results are given out of order', () => {
    const grid: Grid = { origin: at('2026-12-20T00:00Z'), step: HOUR_MS, steps: 7 * 24 };
    fc.assert(
      fc.property(
        scopesArbitrary(grid, ['hourly', 'daily']),
        resultsArbitrary(grid, 40),
        fc.integer(),
        (scopes, results, seed) => {
          const shuffled = [...results].sort(
            (x, y) => (((x.time ^ seed) * 31) % 7) - (((y.time ^ seed) * 31) % 7),
          );
          const window = { from: grid.origin, to: grid.origin + grid.steps * grid.step };
          expectSameAsEvaluatePair({
            scopes,
            tolerableDeviationRate: 0.05,
            window,
            asOf: window.to,
            results: shuffled,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
