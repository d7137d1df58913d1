import fc from 'fast-check';
import { resultsArbitrary, scopesArbitrary, type Grid } from '../testing/arbitraries';
import { bruteComplianceTime } from '../testing/brute-force';
import { at, resultAt, scope } from '../testing/factories';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time/instant';
import { complianceRatio, complianceTime, timeInCompliance } from './time-in-compliance';

const daily = [scope('daily', '2025-01-01T00:00Z')];

describe(complianceTime.name, () => {
  it('stops counting a pass as compliant when it goes stale in the middle of the window', () => {
    const results = [
      resultAt('2025-12-31T00:00Z', 'pass'), // before from: fresh until 2 January
      resultAt('2026-01-05T00:00Z', 'fail'),
      resultAt('2026-01-06T00:00Z', 'pass'), // fresh until 8 January, then stale
    ];
    const range = { scopes: daily, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-11T00:00Z') };
    expect(complianceTime(results, range)).toEqual({
      compliant: 3 * DAY_MS,
      considered: 10 * DAY_MS,
    });
    expect(timeInCompliance(results, range)).toBe(0.3);
  });

  it('leaves time out of both durations when its latest fresh result is not_applicable', () => {
    const results = [
      resultAt('2026-01-01T00:00Z', 'pass'),
      resultAt('2026-01-03T00:00Z', 'not_applicable'), // excluded until 5 January, then stale
    ];
    const range = { scopes: daily, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-07T00:00Z') };
    expect(complianceTime(results, range)).toEqual({
      compliant: 2 * DAY_MS,
      considered: 4 * DAY_MS,
    });
  });

  it('counts time as not compliant when there is no result at all', () => {
    const range = { scopes: daily, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-03T00:00Z') };
    expect(complianceTime([], range)).toEqual({ compliant: 0, considered: 2 * DAY_MS });
    expect(timeInCompliance([], range)).toBe(0);
  });

  it('measures only up to asOf when asOf cuts the window', () => {
    const results = [resultAt('2026-01-01T00:00Z', 'pass')];
    const range = { scopes: daily, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-01T06:00Z') };
    expect(complianceTime(results, range)).toEqual({
      compliant: 6 * HOUR_MS,
      considered: 6 * HOUR_MS,
    });
  });

  it('lets the last of results with the same time govern when they tie', () => {
    const results = [resultAt('2026-01-01T00:00Z', 'pass'), resultAt('2026-01-01T00:00Z', 'fail')];
    const range = { scopes: daily, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-02T00:00Z') };
    expect(complianceTime(results, range)).toEqual({ compliant: 0, considered: DAY_MS });
  });

  it('judges freshness by the frequency in force at each instant when the frequency changes', () => {
    const scopes = [
      scope('hourly', '2026-01-01T00:00Z', '2026-01-01T12:00Z'),
      scope('daily', '2026-01-01T12:00Z'),
    ];
    const results = [resultAt('2026-01-01T00:00Z', 'pass')];
    const range = { scopes, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-02T00:00Z') };
    // Fresh for 2 h under hourly, stale until noon, fresh again under daily (12 h old < 2 d).
    expect(complianceTime(results, range)).toEqual({
      compliant: 14 * HOUR_MS,
      considered: 24 * HOUR_MS,
    });
  });

  it('leaves out time out of scope when the assignment has a gap', () => {
    const scopes = [
      scope('daily', '2026-01-01T00:00Z', '2026-01-02T00:00Z'),
      scope('daily', '2026-01-04T00:00Z'),
    ];
    const results = [resultAt('2026-01-01T00:00Z', 'pass'), resultAt('2026-01-04T00:00Z', 'fail')];
    const range = { scopes, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-05T00:00Z') };
    expect(complianceTime(results, range)).toEqual({ compliant: DAY_MS, considered: 2 * DAY_MS });
  });

  it('ignores a result when it is at asOf or later', () => {
    const results = [resultAt('2026-01-02T00:00Z', 'pass')];
    const range = { scopes: daily, from: at('2026-01-01T00:00Z'), asOf: at('2026-01-02T00:00Z') };
    expect(complianceTime(results, range)).toEqual({ compliant: 0, considered: DAY_MS });
  });

  it('throws when the range is unbounded', () => {
    expect(() =>
      complianceTime([], { scopes: daily, from: 0, asOf: Number.POSITIVE_INFINITY }),
    ).toThrow(RangeError);
  });

  // The reference samples the middle of every minute (or hour); with every bound and result
  // time on whole minutes (hours), the state is constant within each step, so it is exact.
  const minuteGrid: Grid = { origin: at('2026-03-01T00:00Z'), step: MINUTE_MS, steps: 3 * 24 * 60 };
  const hourGrid: Grid = { origin: at('2026-03-01T00:00Z'), step: HOUR_MS, steps: 70 * 24 };
  it.each([
    ['minute by minute over a few days', minuteGrid, ['hourly', 'daily'] as const],
    ['hour by hour over ten weeks', hourGrid, ['daily', 'weekly', 'monthly', 'annually'] as const],
  ])('matches sampling when stepping %s', (_, grid, frequencies) => {
    // Results also fall before the window, so the context result matters.
    const lead = Math.floor(grid.steps / 3);
    const resultGrid = {
      ...grid,
      origin: grid.origin - lead * grid.step,
      steps: grid.steps + lead,
    };
    const bound = fc.integer({ min: 0, max: grid.steps }).map((k) => grid.origin + k * grid.step);
    fc.assert(
      fc.property(
        scopesArbitrary(grid, frequencies),
        resultsArbitrary(resultGrid, 40, 10),
        bound,
        bound,
        (scopes, results, a, b) => {
          const [from, asOf] = [Math.min(a, b), Math.max(a, b)];
          expect(complianceTime(results, { scopes, from, asOf })).toEqual(
            bruteComplianceTime(results, scopes, from, asOf, grid.step),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe(complianceRatio.name, () => {
  it('is null when no time is considered', () => {
    expect(complianceRatio({ compliant: 0, considered: 0 })).toBeNull();
    expect(complianceRatio({ compliant: 1, considered: 4 })).toBe(0.25);
  });
});

describe(timeInCompliance.name, () => {
  it('is null when nothing is in scope', () => {
    expect(timeInCompliance([], { scopes: [], from: 0, asOf: DAY_MS })).toBeNull();
  });
});
