import { at, resultAt } from '../testing/factories';
import { lateResults, resultCounts } from './result-counts';

const window = { from: at('2026-01-01T00:00Z'), to: at('2026-01-02T00:00Z') };
const results = [
  resultAt('2025-12-31T23:59:59.999Z', 'pass', { late: true }), // before the window
  resultAt('2026-01-01T00:00Z', 'pass'),
  resultAt('2026-01-01T01:00Z', 'fail', { late: true }),
  resultAt('2026-01-01T02:00Z', 'error'),
  resultAt('2026-01-01T03:00Z', 'not_applicable', { late: true }),
  resultAt('2026-01-01T04:00Z', 'pass'),
  resultAt('2026-01-02T00:00Z', 'fail', { late: true }), // at `to`: outside
];

describe(resultCounts.name, () => {
  it('counts only results with time in [from, to) when given results around the window', () => {
    expect(resultCounts(results, window)).toEqual({ pass: 2, fail: 1, error: 1, notApplicable: 1 });
  });
});

describe(lateResults.name, () => {
  it('counts late results in [from, to) when given results around the window', () => {
    expect(lateResults(results, window)).toBe(2);
  });
});
